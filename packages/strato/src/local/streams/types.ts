/** Inputs and outputs of the stream engine, named after the fields of the Kinesis API in camel case. */

export interface PutRecordInput {
  /** The record's bytes, at most 1 MiB. */
  readonly data: Uint8Array;
  /** 1 to 256 characters; its MD5 picks the shard. */
  readonly partitionKey: string;
  /** A decimal hash key that picks the shard instead of the partition key's hash. */
  readonly explicitHashKey?: string;
}

export interface PutRecordResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** One entry of a PutRecords result: the record's place, or why it failed. */
export type PutRecordsResultEntry =
  | PutRecordResult
  | { readonly errorCode: string; readonly errorMessage: string };

export interface PutRecordsResult {
  readonly failedRecordCount: number;
  readonly records: readonly PutRecordsResultEntry[];
}

export type ShardIteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'AT_TIMESTAMP';

export interface GetShardIteratorInput {
  readonly shardId: string;
  readonly shardIteratorType: ShardIteratorType;
  /** With AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER. */
  readonly startingSequenceNumber?: string;
  /** With AT_TIMESTAMP: epoch milliseconds. */
  readonly timestamp?: number;
}

export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly approximateArrivalTimestamp: Date;
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

export interface GetRecordsResult {
  readonly records: readonly StreamRecord[];
  readonly nextShardIterator: string;
  /** Milliseconds between the last record returned and the tip of the shard; 0 when caught up. */
  readonly millisBehindLatest: number;
}

export interface ShardDescription {
  readonly shardId: string;
  readonly hashKeyRange: { readonly startingHashKey: string; readonly endingHashKey: string };
  readonly sequenceNumberRange: { readonly startingSequenceNumber: string };
}

export interface StreamSummary {
  readonly streamName: string;
  readonly streamARN: string;
  readonly streamStatus: 'ACTIVE';
  readonly retentionPeriodHours: number;
  readonly streamCreationTimestamp: Date;
  readonly openShardCount: number;
  readonly streamModeDetails: { readonly streamMode: 'PROVISIONED' };
}

/** A stored record as the event source mappings read it, with its position in the shard. */
export interface ShardRecord {
  readonly position: number;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  /** Epoch milliseconds. */
  readonly arrivalMs: number;
}
