/**
 * One event source mapping from a table's change stream to a function, with
 * Lambda's rules for stream sources. Records arrive in order, in batches of
 * up to `batchSize` gathered for up to `maxBatchingWindow` seconds. The
 * checkpoint moves after a successful batch. A failing batch is retried, and
 * bisected when asked, until it succeeds or runs out of retries or age. Then
 * it is reported to the on-failure destination and skipped.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

import type { FunctionModel, StreamConsumerModel } from '../../model/index.ts';
import type { Logger } from '../../observe/logger.ts';
import type { FunctionError, Invoker } from '../../runtime/types.ts';
import type { StoredRecord, StreamDb } from './stream-db.ts';
import { sequenceNumber } from './stream-record.ts';

/** DynamoDB Streams keeps records for 24 hours. @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface ConsumerContext {
  readonly db: StreamDb;
  readonly invoker: Invoker;
  readonly getFunction: (functionId: string) => FunctionModel | undefined;
  /** Sends the record of an abandoned batch to the consumer's on-failure queue. */
  readonly sendToQueue?: (queueId: string, body: string) => Promise<unknown>;
  readonly logger: Logger;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly region: string;
  readonly accountId: string;
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

export type BatchOutcome =
  | { readonly type: 'succeeded'; readonly consumerId: string; readonly records: number }
  | { readonly type: 'retrying'; readonly consumerId: string; readonly records: number; readonly attempt: number; readonly error: string }
  | { readonly type: 'abandoned'; readonly consumerId: string; readonly records: number; readonly condition: string };

type AttemptResult = { readonly ok: true } | { readonly ok: false; readonly error: FunctionError; readonly failedFrom?: number };

export class TableStreamConsumer {
  readonly id: string;
  private checkpoint: number;
  private closed = false;
  /** Ends the wait for new records. */
  private wakeUp: (() => void) | undefined;
  /** Ends the wait before a retry; only close() calls it. */
  private endSleep: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly running: Promise<void>;

  constructor(
    private readonly table: string,
    private readonly streamArn: string,
    /** The mapping's settings, as the model resolved them. */
    readonly mapping: StreamConsumerModel,
    private readonly context: ConsumerContext,
  ) {
    this.id = `${table}->${mapping.functionId}`;
    // NOTE: a table stream here is one shard read by one batch at a time, so parallelizationFactor has no effect locally.
    this.checkpoint = context.db.checkpoint(this.id) ?? this.startingCheckpoint();
    context.db.saveCheckpoint(this.id, this.checkpoint);
    this.running = this.run().catch((error: unknown) => {
      context.logger.error('table stream consumer %s stopped: %s', this.id, error instanceof Error ? error.stack : error);
    });
  }

  /** Tells the consumer that records were appended. */
  notify(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  /** Returns the milliseconds since the oldest record not yet processed was made, as Lambda's IteratorAge metric. */
  iteratorAgeMs(now = Date.now()): number {
    const [next] = this.context.db.read(this.table, this.checkpoint, 1);
    return next ? now - next.createdAt : 0;
  }

  /** Stops after the batch in flight, if any; its records are delivered again after a restart. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.notify();
    this.endSleep?.();
    await this.running;
  }

  private startingCheckpoint(): number {
    const { db } = this.context;
    switch (this.mapping.startingPosition) {
      case 'TRIM_HORIZON':
        return 0;
      case 'AT_TIMESTAMP':
        return db.seqBefore(this.table, (this.mapping.startingPositionTimestamp ?? 0) * 1000);
      default:
        // LATEST: only records made from now on.
        return db.lastSeq(this.table);
    }
  }

  private async run(): Promise<void> {
    let batchLimit = this.mapping.batchSize;
    let attempt = 0;

    while (!this.closed) {
      const records = await this.nextBatch(batchLimit);
      if (this.closed || records.length === 0) continue;

      const result = await this.invoke(records);
      if (this.closed) return;

      if (result.ok) {
        this.advance(records.at(-1)!.seq);
        this.context.onBatch?.({ type: 'succeeded', consumerId: this.id, records: records.length });
        batchLimit = this.mapping.batchSize;
        attempt = 0;
        continue;
      }

      // With partial batch responses, the records before the first failed one are done.
      const failedFrom = result.failedFrom ?? records[0]!.seq;
      if (failedFrom > records[0]!.seq) this.advance(failedFrom - 1);
      const remaining = records.filter((record) => record.seq >= failedFrom);

      // Splitting a failed batch in two does not count as a retry.
      const bisect = this.mapping.bisectBatchOnError && remaining.length > 1;
      const giveUp = this.giveUpCondition(remaining, bisect ? -1 : attempt);
      if (giveUp) {
        await this.abandon(remaining, giveUp, result.error, attempt + 1);
        batchLimit = this.mapping.batchSize;
        attempt = 0;
        continue;
      }

      if (bisect) batchLimit = Math.ceil(remaining.length / 2);
      else attempt++;
      const message = `${result.error.errorType}: ${result.error.errorMessage}`;
      this.context.logger.verbose('table stream %s: batch of %d records failed (%s); retry %d', this.id, remaining.length, message, attempt);
      this.context.onBatch?.({ type: 'retrying', consumerId: this.id, records: remaining.length, attempt, error: message });
      await this.sleep(Math.min(this.context.retryMaxDelayMs, this.context.retryBaseDelayMs * 2 ** Math.min(attempt, 20)));
    }
  }

  /** Waits for records after the checkpoint, then for the batching window to fill the batch. */
  private async nextBatch(limit: number): Promise<StoredRecord[]> {
    let records = this.context.db.read(this.table, this.checkpoint, limit);
    if (records.length === 0) {
      await this.waitForRecords();
      return [];
    }

    const windowMs = this.mapping.maxBatchingWindow * 1000;
    const windowEnd = records[0]!.createdAt + windowMs;
    while (!this.closed && records.length < limit && Date.now() < windowEnd) {
      await this.waitForRecords(windowEnd - Date.now());
      records = this.context.db.read(this.table, this.checkpoint, limit);
    }
    return records;
  }

  private waitForRecords(timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      if (timeoutMs !== undefined) this.timer = setTimeout(() => this.notify(), Math.max(0, timeoutMs));
    }).finally(() => clearTimeout(this.timer));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.timer = setTimeout(resolve, ms);
      this.endSleep = resolve;
    }).finally(() => {
      clearTimeout(this.timer);
      this.endSleep = undefined;
    });
  }

  private async invoke(records: readonly StoredRecord[]): Promise<AttemptResult> {
    const fn = this.context.getFunction(this.mapping.functionId);
    if (!fn) return { ok: false, error: { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${this.mapping.functionId}` } };

    const event: DynamoDBStreamEvent = { Records: records.map((record) => JSON.parse(record.record) as DynamoDBRecord) };
    try {
      const result = await this.context.invoker.invoke(fn, event);
      if (!result.ok) return { ok: false, error: result.error };
      return this.mapping.reportBatchItemFailures ? readBatchResponse(result.payload, records) : { ok: true };
    } catch (error) {
      // The function could not run at all, such as a throttle: the batch is retried.
      const errorType = error instanceof Error ? error.name : 'ServiceException';
      return { ok: false, error: { errorType, errorMessage: error instanceof Error ? error.message : String(error) } };
    }
  }

  /** Returns why a failed batch is not retried, or `undefined` to retry it. A `retriesSoFar` of -1 skips the retry count. */
  private giveUpCondition(records: readonly StoredRecord[], retriesSoFar: number): string | undefined {
    const { maxRetryAttempts, maxRecordAge } = this.mapping;
    if (maxRecordAge !== -1 && Date.now() - records[0]!.createdAt > maxRecordAge * 1000) return 'RecordAgeExceeded';
    if (maxRetryAttempts !== -1 && retriesSoFar !== -1 && retriesSoFar >= maxRetryAttempts) return 'RetryAttemptsExhausted';
    // With no limits, a batch is retried until its records leave the stream.
    if (Date.now() - records[0]!.createdAt > STREAM_RETENTION_MS) return 'RecordAgeExceeded';
    return undefined;
  }

  private async abandon(records: readonly StoredRecord[], condition: string, error: FunctionError, invokeCount: number): Promise<void> {
    const first = records[0]!;
    const last = records.at(-1)!;
    this.context.db.abandon({
      consumerId: this.id, firstSeq: first.seq, lastSeq: last.seq, condition, error: `${error.errorType}: ${error.errorMessage}`, failedAt: Date.now(),
    });
    this.checkpoint = last.seq;
    this.context.logger.error('table stream %s skipped %d records after %s (%s: %s)', this.id, records.length, condition, error.errorType, error.errorMessage);
    this.context.onBatch?.({ type: 'abandoned', consumerId: this.id, records: records.length, condition });

    if (this.mapping.onFailureQueueId && this.context.sendToQueue) {
      const body = JSON.stringify(this.failureRecord(first, last, records.length, condition, error, invokeCount));
      await this.context.sendToQueue(this.mapping.onFailureQueueId, body).catch((sendError: unknown) => {
        this.context.logger.error('table stream %s could not send its failure record to %s: %s', this.id, this.mapping.onFailureQueueId, sendError instanceof Error ? sendError.message : sendError);
      });
    }
  }

  /** Lambda's on-failure record for a stream batch: where the skipped records are, not the records themselves. */
  private failureRecord(first: StoredRecord, last: StoredRecord, size: number, condition: string, error: FunctionError, invokeCount: number) {
    const fn = this.context.getFunction(this.mapping.functionId);
    return {
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${this.context.region}:${this.context.accountId}:function:${fn?.physicalName ?? this.mapping.functionId}`,
        condition,
        approximateInvokeCount: invokeCount,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: error.errorType === 'ResourceNotFoundException' ? undefined : 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000000000000000000-00000001',
        startSequenceNumber: sequenceNumber(first.seq),
        endSequenceNumber: sequenceNumber(last.seq),
        approximateArrivalOfFirstRecord: new Date(first.createdAt).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.createdAt).toISOString(),
        batchSize: size,
        streamArn: this.streamArn,
      },
    };
  }

  private advance(seq: number): void {
    this.checkpoint = seq;
    this.context.db.saveCheckpoint(this.id, seq);
  }
}

/**
 * Reads `batchItemFailures`. An empty list means success; an item that names
 * no record of the batch fails the whole batch, as Lambda treats it.
 */
function readBatchResponse(payload: unknown, records: readonly StoredRecord[]): AttemptResult {
  const failures = (payload as Partial<DynamoDBBatchResponse> | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { ok: true };

  const bySequence = new Map(records.map((record) => [sequenceNumber(record.seq), record.seq]));
  const positions = Array.isArray(failures) ? failures.map((failure) => bySequence.get(String(failure?.itemIdentifier))) : [undefined];
  const error = { errorType: 'BatchItemFailures', errorMessage: `The function reported ${positions.length} failed records.` };
  if (positions.some((position) => position === undefined)) return { ok: false, error };
  return { ok: false, error, failedFrom: Math.min(...(positions as number[])) };
}
