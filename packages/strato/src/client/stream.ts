/**
 * The stream client: puts records on one linked stream, with Kinesis's
 * semantics and errors.
 *
 * ```ts
 * import { stream } from 'strato/client';
 *
 * const activity = stream('activity');
 * await activity.put({ photoId, kind: 'like' }, photoId);
 * ```
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html
 */
import type { PutRecordResult, PutRecordsResult } from '../local/streams/types.ts';
import { callDriver } from './driver.ts';
import { physicalNameOf } from './resource-names.ts';

/** Record data: bytes as they are, text as UTF-8, any other value as JSON. */
export type RecordData = Uint8Array | string | object;

export interface RecordInput {
  readonly data: RecordData;
  /** 1 to 256 characters; records with the same key go to the same shard, in order. */
  readonly partitionKey: string;
  /** A decimal hash key that picks the shard instead of the partition key. */
  readonly explicitHashKey?: string;
}

export class StreamClient {
  /** Physical name of the stream. */
  readonly name: string;

  constructor(linkName: string) {
    this.name = physicalNameOf('STREAM', linkName);
  }

  /** Puts one record and resolves once it is stored, with its shard and sequence number. */
  async put(data: RecordData, partitionKey: string, options: { readonly explicitHashKey?: string } = {}): Promise<PutRecordResult> {
    return await callDriver('stream', this.name, 'put', { data: toBytes(data), partitionKey, explicitHashKey: options.explicitHashKey }) as PutRecordResult;
  }

  /**
   * Puts up to 500 records, 5 MiB together. Records can fail one by one:
   * check `failedRecordCount` and the entries with an `errorCode`.
   */
  async putBatch(records: readonly RecordInput[]): Promise<PutRecordsResult> {
    const input = records.map((record) => ({ data: toBytes(record.data), partitionKey: record.partitionKey, explicitHashKey: record.explicitHashKey }));
    return await callDriver('stream', this.name, 'putBatch', { records: input }) as PutRecordsResult;
  }
}

/** Returns a client for a stream the function links. */
export function stream(name: string): StreamClient {
  return new StreamClient(name);
}

function toBytes(data: RecordData): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return new TextEncoder().encode(typeof data === 'string' ? data : JSON.stringify(data));
}
