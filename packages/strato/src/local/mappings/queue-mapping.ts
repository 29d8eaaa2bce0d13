/**
 * An event source mapping from a queue to a function, as Lambda runs one:
 * pollers long-poll the queue, gather a batch within the batching window,
 * invoke the function with an `SQSEvent`, and delete the messages that
 * succeeded. Messages of a failed batch stay hidden and come back when their
 * visibility timeout ends, which counts toward the queue's maxReceiveCount.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
import type { FunctionModel, QueueModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { ServiceError, type Invoker } from '../../runtime/types.ts';
import type { QueueEngine, ReceivedMessage } from '../queues/index.ts';
import { readBatchItemFailures } from './batch-item-failures.ts';
import { sleep } from './sleep.ts';
import { toSqsEvent } from './sqs-event.ts';
import type { QueueMappingStats } from './types.ts';

export interface QueueMappingOptions {
  readonly queues: QueueEngine;
  /** The queue, with its `consumer` settings. */
  readonly queue: QueueModel & { readonly consumer: NonNullable<QueueModel['consumer']> };
  readonly fn: FunctionModel;
  readonly invoker: Invoker;
  readonly region: string;
  /**
   * Maximum concurrent pollers. One poller runs while the queue is quiet; another
   * starts whenever a poller receives a full batch. The function's reserved
   * concurrency lowers it.
   * @default 5
   */
  readonly maxPollers?: number;
  readonly logger?: Logger;
}

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_EVENT_BYTES = 6_291_456;
/** A long poll, as Lambda's pollers use. */
const POLL_WAIT_MS = 20_000;
/** Bytes an SQS record adds to the event besides its body and attributes: ids, handle, attributes, ARN. */
const RECORD_OVERHEAD_BYTES = 1_024;
const MAX_THROTTLE_BACKOFF_MS = 5_000;

type DeliveryOutcome = 'succeeded' | 'failed' | 'throttled';

export class QueueMapping {
  readonly #options: QueueMappingOptions;
  readonly #queueArn: string;
  readonly #maxPollers: number;
  readonly #logger: Logger;
  readonly #pollers = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  #stats = { invocations: 0, failedInvocations: 0, throttles: 0, messagesDeleted: 0 };

  constructor(options: QueueMappingOptions) {
    this.#options = options;
    this.#queueArn = options.queues.queueArn(options.queue.physicalName);
    this.#maxPollers = Math.max(1, Math.min(options.maxPollers ?? 5, options.fn.reservedConcurrency ?? Infinity));
    this.#logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.#pollers.size === 0) this.#startPoller();
  }

  /** Stops polling; resolves after the batches being processed are settled. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    while (this.#pollers.size > 0) await Promise.all([...this.#pollers]);
  }

  stats(): QueueMappingStats {
    return { functionId: this.#options.fn.id, sourceArn: this.#queueArn, pollers: this.#pollers.size, ...this.#stats };
  }

  #startPoller(): void {
    const poller = this.#poll().catch((error: unknown) => {
      this.#logger.error('queue mapping %s -> %s stopped polling: %s', this.#options.queue.physicalName, this.#options.fn.id, (error as Error).message);
    });
    this.#pollers.add(poller);
    void poller.finally(() => this.#pollers.delete(poller));
  }

  async #poll(): Promise<void> {
    const { batchSize } = this.#options.queue.consumer;
    let backoffMs = 0;

    while (!this.#stopping.signal.aborted) {
      if (backoffMs > 0) await sleep(backoffMs, this.#stopping.signal);
      const messages = await this.#collectBatch();
      if (this.#stopping.signal.aborted && messages.length === 0) return;

      // Scale with the backlog: a full batch starts another poller, an empty long poll ends a spare one.
      if (messages.length === 0) {
        if (this.#pollers.size > 1) return;
        continue;
      }
      if (messages.length >= batchSize && this.#pollers.size < this.#maxPollers) this.#startPoller();

      const outcome = await this.#deliver(messages);
      backoffMs = outcome === 'throttled' ? Math.min(Math.max(100, backoffMs * 2), MAX_THROTTLE_BACKOFF_MS) : 0;
    }
  }

  /** Receives up to the batch size, waiting up to the batching window to fill the batch. */
  async #collectBatch(): Promise<ReceivedMessage[]> {
    const { queues, queue } = this.#options;
    const { batchSize, maxBatchingWindowSeconds } = queue.consumer;
    const signal = this.#stopping.signal;

    const batch = await queues.receiveBatch(queue.physicalName, { max: batchSize, waitMs: POLL_WAIT_MS, signal });
    const deadline = Date.now() + maxBatchingWindowSeconds * 1000;
    while (batch.length > 0 && batch.length < batchSize && Date.now() < deadline && !signal.aborted) {
      const more = await queues.receiveBatch(queue.physicalName, { max: batchSize - batch.length, waitMs: deadline - Date.now(), signal });
      if (more.length === 0) break;
      batch.push(...more);
    }
    return this.#withinPayloadLimit(batch);
  }

  /** Keeps the batch under Lambda's 6 MB payload and makes the rest visible again at once. */
  #withinPayloadLimit(batch: ReceivedMessage[]): ReceivedMessage[] {
    let bytes = 0;
    const firstOverLimit = batch.findIndex((message) => {
      bytes += Buffer.byteLength(message.body) + RECORD_OVERHEAD_BYTES + attributeBytes(message);
      return bytes > MAX_EVENT_BYTES;
    });
    if (firstOverLimit <= 0) return batch;

    for (const message of batch.slice(firstOverLimit)) {
      this.#options.queues.changeMessageVisibility(this.#options.queue.physicalName, message.receiptHandle, 0);
    }
    return batch.slice(0, firstOverLimit);
  }

  async #deliver(messages: ReceivedMessage[]): Promise<DeliveryOutcome> {
    const { invoker, fn, queue, queues, region } = this.#options;
    const event = toSqsEvent(messages, this.#queueArn, region);

    let result;
    try {
      result = await invoker.invoke(fn, event);
    } catch (error) {
      // The function did not run: the messages come back after their visibility timeout, and this poller backs off.
      if (error instanceof ServiceError && error.code === 'TooManyRequestsException') {
        this.#stats.throttles++;
        this.#logger.verbose('queue mapping %s -> %s: throttled, %d messages return after the visibility timeout', queue.physicalName, fn.id, messages.length);
        return 'throttled';
      }
      this.#stats.failedInvocations++;
      this.#logger.error('queue mapping %s -> %s: invoke failed: %s', queue.physicalName, fn.id, (error as Error).message);
      return 'failed';
    }

    this.#stats.invocations++;
    if (!result.ok) {
      this.#stats.failedInvocations++;
      this.#logger.verbose('queue mapping %s -> %s: request %s failed (%s); %d messages return after the visibility timeout', queue.physicalName, fn.id, result.requestId, result.error.errorType, messages.length);
      return 'failed';
    }

    const done = this.#succeededMessages(messages, result.payload, result.requestId);
    queues.deleteMessages(queue.physicalName, done.map((message) => message.receiptHandle));
    this.#stats.messagesDeleted += done.length;
    return done.length === messages.length ? 'succeeded' : 'failed';
  }

  /** The messages to delete: all of them, or with ReportBatchItemFailures those the response does not list. */
  #succeededMessages(messages: ReceivedMessage[], payload: unknown, requestId: string): ReceivedMessage[] {
    if (!this.#options.queue.consumer.reportBatchItemFailures) return messages;

    const failures = readBatchItemFailures(payload, new Set(messages.map((message) => message.messageId)));
    if (failures.kind === 'none') return messages;
    if (failures.kind === 'invalid') {
      this.#stats.failedInvocations++;
      this.#logger.warn('queue mapping %s -> %s: request %s returned an invalid partial batch response (%s); the whole batch is retried', this.#options.queue.physicalName, this.#options.fn.id, requestId, failures.reason);
      return [];
    }
    return messages.filter((message) => !failures.identifiers.has(message.messageId));
  }
}

function attributeBytes(message: ReceivedMessage): number {
  let bytes = 0;
  for (const [name, attribute] of Object.entries(message.messageAttributes)) {
    bytes += name.length + attribute.dataType.length + (attribute.stringValue?.length ?? Math.ceil((attribute.binaryValue?.length ?? 0) * 4 / 3));
  }
  return bytes;
}
