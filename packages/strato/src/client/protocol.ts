/**
 * The operations the clients send to a driver, with their inputs and
 * outputs. The local driver carries them over the channel to the resource
 * router; the AWS driver runs them with the AWS SDK. Both return the same
 * shapes, so the clients do not know which driver runs them.
 */
import type { ResourceKindName } from '../runtime/channel.ts';
import type { Item, ItemCondition, Key, KeyValue, SortKeyCondition } from '../local/tables/types.ts';

/** Runs one operation on one resource; `ClientChannel` has this shape. */
export interface Driver {
  call(kind: ResourceKindName, resource: string, op: string, input: unknown): Promise<unknown>;
}

export interface ObjectAttributesOutput {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
}

export interface GetObjectOutput extends ObjectAttributesOutput {
  readonly body: Uint8Array;
}

export interface ListObjectsRequest {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly continuationToken?: string;
}

export interface ListObjectsOutput {
  readonly contents: readonly { readonly key: string; readonly size: number; readonly etag: string; readonly lastModified: number }[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextContinuationToken?: string;
}

export interface PresignRequest {
  readonly key: string;
  readonly expiresIn?: number;
  readonly contentType?: string;
}

export interface TableWriteRequest {
  readonly condition?: ItemCondition;
}

export interface QueryRequest {
  readonly index?: string;
  readonly partition: KeyValue;
  readonly sort?: SortKeyCondition;
  readonly limit?: number;
  readonly descending?: boolean;
  readonly startKey?: Key;
}

export interface PageOutput {
  readonly items: Item[];
  readonly lastKey?: Key;
}

export type { Item, ItemCondition, Key, KeyValue, SortKeyCondition };
