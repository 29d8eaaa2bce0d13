/**
 * One lane of one shard of a stream mapping. It reads the lane's records in
 * order after its checkpoint and invokes the function with a batch. A failing
 * batch is retried as Lambda retries it, bisected when configured, until it
 * succeeds, runs out of retries or grows too old, and the lane's later records
 * wait meanwhile. A checkpoint follows each batch that is done.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import type { FunctionModel, StreamConsumerModel } from '../../model/index.ts';
import type { Logger } from '../../observe/logger.ts';
import { ServiceError, type FunctionError, type Invoker } from '../../runtime/types.ts';
import { readBatchItemFailures } from './batch-item-failures.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { failureRecord, type FailureCondition } from './failure-record.ts';
import { laneOf } from './lanes.ts';
import { sleep } from './sleep.ts';
import type { FailureDestination, ShardedSource, SourceRecord } from './types.ts';

/** Settings and services that every lane of one mapping shares. */
export interface LaneContext {
  readonly mappingId: string;
  readonly source: ShardedSource;
  readonly consumer: StreamConsumerModel;
  readonly fn: FunctionModel;
  readonly functionArn: string;
  readonly invoker: Invoker;
  readonly checkpoints: CheckpointStore;
  readonly sendFailure: FailureDestination;
  readonly retryBackoff: { readonly baseMs: number; readonly maxMs: number };
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_EVENT_BYTES = 6_291_456;
/** Records read at a time while looking for a lane's records among the shard's. */
const SCAN_CHUNK = 1_000;

interface PendingBatch {
  records: readonly SourceRecord[];
  /** Invocations that failed for this batch. */
  attempts: number;
  invokeCount: number;
  lastRequestId?: string;
  lastError?: FunctionError;
}

type InvokeOutcome =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'partial'; readonly failedIndex: number }
  | { readonly kind: 'failed' }
  | { readonly kind: 'throttled' };

export class ShardLane {
  readonly #context: LaneContext;
  readonly #shardId: string;
  readonly #lane: number;
  readonly #laneCount: number;
  #checkpoint: number;
  #wake: (() => void) | undefined;
  #newRecords = false;

  iteratorAgeMs = 0;
  invocations = 0;
  failedInvocations = 0;
  discardedBatches = 0;

  constructor(context: LaneContext, shardId: string, lane: number, laneCount: number, checkpoint: number) {
    this.#context = context;
    this.#shardId = shardId;
    this.#lane = lane;
    this.#laneCount = laneCount;
    this.#checkpoint = checkpoint;
  }

  get checkpoint(): number {
    return this.#checkpoint;
  }

  /** Tells the lane that its shard has new records. */
  notify(): void {
    this.#newRecords = true;
    this.#wake?.();
  }

  async run(): Promise<void> {
    const { consumer, signal } = this.#context;
    while (!signal.aborted) {
      let batch = this.#nextBatch();
      if (batch.records.length === 0) {
        // Records of other lanes were passed over; the lane has nothing left before them.
        if (batch.scanEnd > this.#checkpoint) this.#advance(batch.scanEnd);
        this.iteratorAgeMs = 0;
        await this.#waitForRecords();
        continue;
      }

      // Gather more records until the batch is full or the batching window ends.
      const windowEnds = Date.now() + consumer.maxBatchingWindow * 1000;
      while (batch.records.length < consumer.batchSize && !batch.full && Date.now() < windowEnds && !signal.aborted) {
        await this.#waitForRecords(windowEnds - Date.now());
        batch = this.#nextBatch();
      }
      if (signal.aborted) return;
      await this.#process(batch.records, batch.scanEnd);
    }
  }

  /** Collects the lane's next records after the checkpoint, up to the batch size and the payload limit. */
  #nextBatch(): { records: SourceRecord[]; scanEnd: number; full: boolean } {
    const { source, consumer } = this.#context;
    const records: SourceRecord[] = [];
    let scanEnd = this.#checkpoint;
    let bytes = 0;
    this.#newRecords = false;

    for (;;) {
      const limit = this.#laneCount === 1 ? consumer.batchSize - records.length : SCAN_CHUNK;
      const chunk = source.read(this.#shardId, scanEnd, limit);
      if (chunk.length === 0) return { records, scanEnd, full: false };
      const shardDrained = chunk.length < limit;

      for (const record of chunk) {
        if (laneOf(record.partitionKey, this.#laneCount) !== this.#lane) {
          scanEnd = record.position;
          continue;
        }
        const full = records.length >= consumer.batchSize || (records.length > 0 && bytes + record.eventBytes > MAX_EVENT_BYTES);
        if (full) return { records, scanEnd, full: true };
        records.push(record);
        bytes += record.eventBytes;
        scanEnd = record.position;
      }
      if (records.length >= consumer.batchSize || shardDrained) return { records, scanEnd, full: records.length >= consumer.batchSize };
    }
  }

  /** Delivers a batch until it is done or given up; a stop leaves the checkpoint before what is unfinished. */
  async #process(records: readonly SourceRecord[], scanEnd: number): Promise<void> {
    const { consumer, signal } = this.#context;
    const pending: PendingBatch[] = [{ records, attempts: 0, invokeCount: 0 }];

    while (pending.length > 0 && !signal.aborted) {
      const head = pending[0]!;
      const expired = this.#expiredCondition(head);
      if (expired) {
        await this.#discard(head, expired);
        pending.shift();
        continue;
      }

      const outcome = await this.#invoke(head);
      if (outcome.kind === 'succeeded') {
        this.#advance(head.records.at(-1)!.position);
        pending.shift();
        continue;
      }
      if (outcome.kind === 'throttled') {
        // A throttled invocation did not run, so it uses no retry; the record age still applies.
        await sleep(this.#backoffMs(head.invokeCount + 1), signal);
        continue;
      }

      if (outcome.kind === 'partial') {
        // Records before the first reported failure are done; the rest is retried as one batch.
        if (outcome.failedIndex > 0) this.#advance(head.records[outcome.failedIndex - 1]!.position);
        head.records = head.records.slice(outcome.failedIndex);
      } else if (consumer.bisectBatchOnError && head.records.length > 1) {
        // Splitting a batch uses no retry.
        const middle = Math.ceil(head.records.length / 2);
        pending.splice(0, 1,
          { records: head.records.slice(0, middle), attempts: 0, invokeCount: 0 },
          { records: head.records.slice(middle), attempts: 0, invokeCount: 0 });
        continue;
      }

      head.attempts++;
      if (consumer.maxRetryAttempts !== -1 && head.attempts > consumer.maxRetryAttempts) {
        await this.#discard(head, 'RetryAttemptsExhausted');
        pending.shift();
        continue;
      }
      await sleep(this.#backoffMs(head.attempts), signal);
    }

    if (!signal.aborted && scanEnd > this.#checkpoint) this.#advance(scanEnd);
  }

  async #invoke(batch: PendingBatch): Promise<InvokeOutcome> {
    const { source, invoker, fn, consumer, logger, mappingId } = this.#context;
    const event = { Records: source.toEventRecords(this.#shardId, batch.records, fn) };
    this.iteratorAgeMs = Math.max(0, Date.now() - batch.records.at(-1)!.arrivalMs);

    let result;
    try {
      result = await invoker.invoke(fn, event);
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'TooManyRequestsException') {
        logger.verbose('stream mapping %s %s: throttled; retrying the batch', mappingId, this.#shardId);
        return { kind: 'throttled' };
      }
      this.failedInvocations++;
      logger.error('stream mapping %s %s: invoke failed: %s', mappingId, this.#shardId, (error as Error).message);
      return { kind: 'failed' };
    }

    this.invocations++;
    batch.invokeCount++;
    batch.lastRequestId = result.requestId;
    if (!result.ok) {
      this.failedInvocations++;
      batch.lastError = result.error;
      logger.verbose('stream mapping %s %s: request %s failed (%s) on %d records', mappingId, this.#shardId, result.requestId, result.error.errorType, batch.records.length);
      return { kind: 'failed' };
    }
    if (!consumer.reportBatchItemFailures) return { kind: 'succeeded' };

    const failures = readBatchItemFailures(result.payload, new Set(batch.records.map((record) => record.sequenceNumber)));
    if (failures.kind === 'none') return { kind: 'succeeded' };
    this.failedInvocations++;
    if (failures.kind === 'invalid') {
      logger.warn('stream mapping %s %s: request %s returned an invalid partial batch response (%s); the whole batch is retried', mappingId, this.#shardId, result.requestId, failures.reason);
      return { kind: 'failed' };
    }
    // Lambda checkpoints at the lowest sequence number reported.
    return { kind: 'partial', failedIndex: batch.records.findIndex((record) => failures.identifiers.has(record.sequenceNumber)) };
  }

  /** Returns why the batch may no longer be retried, judged by its oldest record, or undefined. */
  #expiredCondition(batch: PendingBatch): FailureCondition | undefined {
    const { consumer, source } = this.#context;
    const ageMs = Date.now() - batch.records[0]!.arrivalMs;
    if (consumer.maxRecordAge !== -1 && ageMs > consumer.maxRecordAge * 1000) return 'RecordAgeExceeded';
    if (ageMs >= source.retentionMs) return 'RecordAgeExceeded';
    return undefined;
  }

  /** Gives up on a batch: sends its description to the on-failure destination and moves past it. */
  async #discard(batch: PendingBatch, condition: FailureCondition): Promise<void> {
    const { source, consumer, functionArn, sendFailure, logger, mappingId } = this.#context;
    this.discardedBatches++;
    const first = batch.records[0]!;
    const last = batch.records.at(-1)!;
    logger.warn('stream mapping %s %s: giving up on %d records (%s to %s) after %d invocations: %s', mappingId, this.#shardId, batch.records.length, first.sequenceNumber, last.sequenceNumber, batch.invokeCount, condition);

    if (consumer.onFailureQueueId !== undefined) {
      const record = failureRecord({
        requestId: batch.lastRequestId ?? '',
        functionArn,
        condition,
        invokeCount: batch.invokeCount,
        functionError: batch.lastError,
        batchInfoKey: source.batchInfoKey,
        batchInfo: source.batchInfo(this.#shardId, batch.records),
        now: Date.now(),
      });
      try {
        await sendFailure(consumer.onFailureQueueId, record);
      } catch (error) {
        logger.error('stream mapping %s %s: the on-failure record for %s could not be sent to %s: %s', mappingId, this.#shardId, first.sequenceNumber, consumer.onFailureQueueId, (error as Error).message);
      }
    }
    this.#advance(last.position);
  }

  #advance(position: number): void {
    if (position <= this.#checkpoint) return;
    this.#checkpoint = position;
    this.#context.checkpoints.save(this.#context.mappingId, this.#shardId, this.#lane, this.#laneCount, position);
  }

  #backoffMs(attempt: number): number {
    const { baseMs, maxMs } = this.#context.retryBackoff;
    return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  }

  /** Resolves when the shard has new records, after `timeoutMs` when given, or on stop. */
  #waitForRecords(timeoutMs?: number): Promise<void> {
    if (this.#newRecords || this.#context.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#context.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, Math.max(0, timeoutMs));
      this.#wake = done;
      this.#context.signal.addEventListener('abort', done, { once: true });
    });
  }
}
