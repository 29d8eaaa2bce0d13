/**
 * `strato/client`: typed access to the resources a function links. Create
 * clients once, at the top of the handler's module, by the names the
 * function links in strato.config.ts:
 *
 * ```ts
 * import { bucket, table } from 'strato/client';
 *
 * const originals = bucket('originals');
 * const photos = table<Photo>('photos');
 * ```
 *
 * In the local cloud the calls go over the execution environment's channel;
 * on AWS they go through the AWS SDK. Errors are `Error`s whose `name` is
 * AWS's error name, such as `NoSuchKey`, `ConditionalCheckFailedException`,
 * `AccessDenied` or `AccessDeniedException`.
 */
import { BucketClient } from './bucket.ts';
import { TableClient } from './table.ts';
import type { Item } from './protocol.ts';

/** Returns a client for a bucket the function links. */
export function bucket(name: string): BucketClient {
  return new BucketClient(name);
}

/** Returns a client for a table the function links; `T` is the type of its items. */
export function table<T extends object = Item>(name: string): TableClient<T> {
  return new TableClient<T>(name);
}

export { BucketClient, TableClient };
export { bus, BusClient, type BusEventInput, type PublishResult } from './bus.ts';
export { database, DatabaseClient, DatabaseError, type DatabaseTransaction, type QueryOutput, type SqlParameter } from './database.ts';
export { fn, FunctionClient, type InvokeAsyncResult } from './function.ts';
export { queue, QueueClient, type AttributeInput, type BatchMessage, type ReceiveOptions, type SendOptions } from './queue.ts';
export { stream, StreamClient, type RecordData, type RecordInput } from './stream.ts';
export type { ListOptions, ObjectInfo, ObjectListing, PresignOptions, PresignPutOptions, PutObjectOptions, StoredObject } from './bucket.ts';
export type { ItemPage, QueryOptions, ScanOptions, WriteConditions } from './table.ts';
export type { Item, Key, KeyValue, SortKeyCondition } from './protocol.ts';
