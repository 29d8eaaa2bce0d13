/**
 * The contract between event source mappings and the sharded sources they
 * read: Kinesis streams here, and table change streams (DynamoDB Streams),
 * which read the same way with their own record and event shapes.
 */
import type { FunctionModel } from '../../model/index.ts';

/** A record of a sharded source, as a mapping reads it. */
export interface SourceRecord {
  /** Order of the record in its shard. A checkpoint is the position of the last record done. */
  readonly position: number;
  /** The record's sequence number, as `batchItemFailures` names it. */
  readonly sequenceNumber: string;
  /** Key whose records stay in order when a shard is read by several batches at once. */
  readonly partitionKey: string;
  /** Epoch milliseconds when the record reached the source. */
  readonly arrivalMs: number;
  /** Approximate bytes the record adds to the event, for Lambda's 6 MB payload limit. */
  readonly eventBytes: number;
}

export type StartingPosition = 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP';

export interface ShardedSource<R extends SourceRecord = SourceRecord> {
  /** ARN of the source, as events and failure records name it. */
  readonly arn: string;
  /** Key of the batch description in an on-failure record: `KinesisBatchInfo` or `DDBStreamBatchInfo`. */
  readonly batchInfoKey: string;
  /** Milliseconds a record stays in the source; a failing batch is retried no longer than that. */
  readonly retentionMs: number;
  shardIds(): readonly string[];
  /** Returns the checkpoint to start from: reading continues after this position. */
  startingCheckpoint(shardId: string, start: StartingPosition, timestampMs?: number): number;
  /** Returns up to `limit` records after the position, in order. */
  read(shardId: string, afterPosition: number, limit: number): R[];
  /** Calls the listener after records were added to a shard. Returns the unsubscribe function. */
  subscribe(listener: (shardId: string) => void): () => void;
  /** Builds the `Records` entries of the event a function receives. */
  toEventRecords(shardId: string, records: readonly R[], fn: FunctionModel): unknown[];
  /** Describes a batch for an on-failure record, such as `KinesisBatchInfo`. */
  batchInfo(shardId: string, records: readonly R[]): Record<string, unknown>;
}

/** A snapshot of one mapping's progress on one shard, for the CLI and the console. */
export interface ShardMappingStats {
  readonly functionId: string;
  readonly sourceArn: string;
  readonly shardId: string;
  /**
   * Age in milliseconds of the last record of the latest batch when it was
   * sent to the function, as Lambda's IteratorAge metric; 0 once caught up.
   */
  readonly iteratorAgeMs: number;
  /** Sequence number of the last record checkpointed on the shard, across its lanes. */
  readonly checkpointSequenceNumber?: string;
  readonly invocations: number;
  readonly failedInvocations: number;
  /** Batches given up after their retries or age ran out. */
  readonly discardedBatches: number;
}

/** A snapshot of a queue mapping, for the CLI and the console. */
export interface QueueMappingStats {
  readonly functionId: string;
  readonly sourceArn: string;
  readonly pollers: number;
  readonly invocations: number;
  readonly failedInvocations: number;
  readonly throttles: number;
  readonly messagesDeleted: number;
}

/** Sends an on-failure record to a queue of the application. Resolves once it is stored. */
export type FailureDestination = (queueId: string, record: Record<string, unknown>) => Promise<void> | void;
