/**
 * The queue engine: SQS's semantics over one SQLite file. Every call commits
 * before it returns, so a message that `sendMessage` acknowledged survives a
 * killed process, and a message in flight at the time becomes visible again
 * when its visibility timeout ends.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/Welcome.html
 */
import { createHash, randomUUID } from 'node:crypto';

import type { QueueModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { ArrivalSignal } from './arrivals.ts';
import { md5OfBody, md5OfMessageAttributes } from './checksums.ts';
import { QueueDatabase, type MessageRow } from './database.ts';
import { QueueError, invalidParameter, queueDoesNotExist } from './errors.ts';
import { fifoSequenceNumber, serializeAttributes, toReceivedMessage } from './messages.ts';
import { decodeReceiptHandle } from './receipt-handles.ts';
import type {
  BatchEntryResult, BatchResultError, QueueCounts, ReceiveMessageInput, ReceivedMessage, SendContext,
  SendMessageBatchEntry, SendMessageBatchResult, SendMessageInput, SendMessageResult,
} from './types.ts';
import { MAX_MESSAGE_BYTES, checkBatchIds, checkMessage } from './validate.ts';

export interface QueueEngineOptions {
  /** Folder of the local cloud's state; the engine keeps `queues.sqlite` there. */
  readonly stateDir: string;
  /** Every queue of the application, dead-letter queues included. */
  readonly queues: readonly QueueModel[];
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** SQS keeps a deduplication id for 5 minutes. */
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const RETENTION_SWEEP_MS = 60_000;
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const DEFAULT_SENDER_ID = 'AIDASTRATOLOCALSENDER';

interface QueueState {
  readonly model: QueueModel;
  readonly name: string;
  readonly arn: string;
  readonly arrivals: ArrivalSignal;
  /** Resolved after every queue is known. */
  deadLetter?: { readonly queue: QueueState; readonly maxReceiveCount: number };
}

/** A finished message move task, as ListMessageMoveTasks reports it. */
export interface MessageMoveTask {
  readonly taskHandle: string;
  readonly status: 'COMPLETED';
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly approximateNumberOfMessagesMoved: number;
  readonly startedTimestamp: number;
}

export class QueueEngine {
  readonly #db: QueueDatabase;
  readonly #queues = new Map<string, QueueState>();
  readonly #byArn = new Map<string, QueueState>();
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #retentionTimer: NodeJS.Timeout;
  readonly #moveTasks: MessageMoveTask[] = [];
  #closed = false;

  constructor(options: QueueEngineOptions) {
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#db = new QueueDatabase(options.stateDir);

    const region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '000000000000';
    for (const model of options.queues) {
      const arn = `arn:aws:sqs:${region}:${accountId}:${model.physicalName}`;
      const state: QueueState = { model, name: model.physicalName, arn, arrivals: new ArrivalSignal() };
      this.#queues.set(model.physicalName, state);
      this.#byArn.set(arn, state);
    }
    this.#linkDeadLetterQueues(options.queues);

    this.purgeExpired();
    this.#retentionTimer = setInterval(() => this.purgeExpired(), RETENTION_SWEEP_MS);
    this.#retentionTimer.unref();
  }

  /** Returns the queue's ARN, or throws QueueDoesNotExist. */
  queueArn(queueName: string): string {
    return this.#queue(queueName).arn;
  }

  /** Physical names of the queues this engine serves. */
  queueNames(): string[] {
    return [...this.#queues.keys()];
  }

  sendMessage(queueName: string, input: SendMessageInput, context: SendContext = {}): SendMessageResult {
    const queue = this.#queue(queueName);
    checkMessage(input, queue.model.fifo);

    const result = this.#db.transaction(() => this.#insert(queue, input, context));
    queue.arrivals.notify();
    return result;
  }

  /**
   * Sends up to 10 messages, at most 256 KiB together. An entry that breaks a
   * message rule fails alone; the others are sent in one transaction.
   */
  sendMessageBatch(queueName: string, entries: readonly SendMessageBatchEntry[], context: SendContext = {}): SendMessageBatchResult {
    const queue = this.#queue(queueName);
    checkBatchIds(entries, 'SendMessageBatchRequestEntry');

    const failed: BatchResultError[] = [];
    const valid: SendMessageBatchEntry[] = [];
    let totalBytes = 0;
    for (const entry of entries) {
      try {
        totalBytes += checkMessage(entry, queue.model.fifo);
        valid.push(entry);
      } catch (error) {
        failed.push(batchError(entry.id, error));
      }
    }
    if (totalBytes > MAX_MESSAGE_BYTES) {
      throw new QueueError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${totalBytes} bytes.`);
    }

    const successful = this.#db.transaction(() => valid.map((entry) => ({ id: entry.id, ...this.#insert(queue, entry, context) })));
    if (successful.length > 0) queue.arrivals.notify();
    return { successful, failed };
  }

  /**
   * Receives up to `maxNumberOfMessages` visible messages and hides them for
   * the visibility timeout. With `waitTimeSeconds`, waits for a message to
   * arrive or become visible before it returns an empty list.
   */
  async receiveMessage(queueName: string, input: ReceiveMessageInput = {}): Promise<ReceivedMessage[]> {
    const queue = this.#queue(queueName);
    const max = input.maxNumberOfMessages ?? 1;
    const waitSeconds = input.waitTimeSeconds ?? 0;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidParameter('MaxNumberOfMessages', max, 'Must be between 1 and 10, if provided.');
    }
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
      throw invalidParameter('WaitTimeSeconds', waitSeconds, `Must be >= 0 and <= ${MAX_WAIT_SECONDS}, if provided.`);
    }
    const visibilitySeconds = checkVisibilityTimeout(input.visibilityTimeout ?? queue.model.visibilityTimeoutSeconds);

    return this.receiveBatch(queueName, { max, waitMs: waitSeconds * 1000, visibilitySeconds, signal: input.signal });
  }

  /**
   * Receives like ReceiveMessage without its limit of 10, for event source
   * mappings, which take batches of up to 10,000 messages. Waits up to
   * `waitMs` for the first message.
   */
  async receiveBatch(queueName: string, options: { max: number; waitMs: number; visibilitySeconds?: number; signal?: AbortSignal }): Promise<ReceivedMessage[]> {
    const queue = this.#queue(queueName);
    const visibilitySeconds = options.visibilitySeconds ?? queue.model.visibilityTimeoutSeconds;
    const deadline = Date.now() + options.waitMs;

    for (;;) {
      // A close during the wait ends the poll empty, as the messages stay for the next start.
      if (this.#closed) return [];
      const messages = this.#db.transaction(() => this.#receiveNow(queue, options.max, visibilitySeconds));
      const remainingMs = deadline - Date.now();
      if (messages.length > 0 || remainingMs <= 0 || this.#closed || options.signal?.aborted) return messages;

      // Sleep until a send or a delete wakes the queue, or until the next
      // delayed or in-flight message becomes visible, or until the wait ends.
      const now = this.#now();
      const nextVisibleAt = this.#db.selectNextVisibleAt.get(queue.name, now)?.next;
      const untilVisibleMs = nextVisibleAt == null ? remainingMs : nextVisibleAt - now;
      await queue.arrivals.wait(Math.min(remainingMs, untilVisibleMs), options.signal);
    }
  }

  /**
   * Deletes the message this receipt handle was issued for. As in SQS, a
   * handle from an earlier receive of a message that was received again
   * succeeds without deleting it, and so does a handle of a message that is
   * already gone.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
   */
  deleteMessage(queueName: string, receiptHandle: string): void {
    const queue = this.#queue(queueName);
    const handle = decodeReceiptHandle(queue.name, receiptHandle);

    const row = this.#db.selectBySeq.get(handle.seq);
    if (row === undefined || row.message_id !== handle.messageId || row.queue !== queue.name || row.receipt_token !== handle.token) return;
    this.#db.deleteMessage.run(row.seq);
    // A delete frees the message's group on a FIFO queue.
    if (queue.model.fifo) queue.arrivals.notify();
  }

  /** Deletes received messages in one transaction, as an event source mapping does after a batch succeeds. Stale handles are skipped, as DeleteMessage skips them. */
  deleteMessages(queueName: string, receiptHandles: readonly string[]): void {
    this.#db.transaction(() => {
      for (const receiptHandle of receiptHandles) this.deleteMessage(queueName, receiptHandle);
    });
  }

  deleteMessageBatch(queueName: string, entries: readonly { readonly id: string; readonly receiptHandle: string }[]): BatchEntryResult {
    this.#queue(queueName);
    checkBatchIds(entries, 'DeleteMessageBatchRequestEntry');
    return this.#db.transaction(() => runBatch(entries, (entry) => this.deleteMessage(queueName, entry.receiptHandle)));
  }

  /**
   * Sets the remaining visibility timeout of a received message, counted
   * from now. Zero makes it visible at once.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
   */
  changeMessageVisibility(queueName: string, receiptHandle: string, visibilityTimeout: number): void {
    const queue = this.#queue(queueName);
    const handle = decodeReceiptHandle(queue.name, receiptHandle);
    checkVisibilityTimeout(visibilityTimeout);

    const row = this.#db.selectBySeq.get(handle.seq);
    if (row === undefined || row.message_id !== handle.messageId || row.queue !== queue.name || row.receipt_token !== handle.token) {
      throw invalidParameter('ReceiptHandle', receiptHandle, 'Message does not exist or is not available for visibility timeout change.');
    }
    const now = this.#now();
    if (row.visible_at <= now) {
      throw new QueueError('MessageNotInflight', `The message "${row.message_id}" is not in flight: its visibility timeout has ended. Receive it again to get a new receipt handle.`);
    }
    // A message stays hidden at most 12 hours after the receive that issued the handle.
    const visibleAt = now + visibilityTimeout * 1000;
    if (visibleAt - (row.received_at ?? now) > MAX_VISIBILITY_TIMEOUT_SECONDS * 1000) {
      throw invalidParameter('VisibilityTimeout', visibilityTimeout, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_TIMEOUT_SECONDS} seconds].`);
    }
    this.#db.setVisibleAt.run(visibleAt, row.seq);
    queue.arrivals.notify();
  }

  changeMessageVisibilityBatch(
    queueName: string,
    entries: readonly { readonly id: string; readonly receiptHandle: string; readonly visibilityTimeout: number }[],
  ): BatchEntryResult {
    this.#queue(queueName);
    checkBatchIds(entries, 'ChangeMessageVisibilityBatchRequestEntry');
    return this.#db.transaction(() => runBatch(entries, (entry) => this.changeMessageVisibility(queueName, entry.receiptHandle, entry.visibilityTimeout)));
  }

  /** Deletes every message of the queue, as PurgeQueue does. */
  purgeQueue(queueName: string): void {
    this.#db.deleteQueueMessages.run(this.#queue(queueName).name);
  }

  /** Counts of the queue's messages, as the ApproximateNumberOfMessages attributes report them. */
  counts(queueName: string): QueueCounts {
    const queue = this.#queue(queueName);
    return this.#db.countMessages.get({ queue: queue.name, now: this.#now() })!;
  }

  /**
   * Moves every message of a dead-letter queue back to the queue it came
   * from, or to `destinationArn`, in one transaction.
   * NOTE: SQS moves messages in the background at a chosen rate, and a task
   * can be cancelled; here the task completes before the call returns.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
   */
  startMessageMoveTask(input: { readonly sourceArn: string; readonly destinationArn?: string }): { taskHandle: string } {
    const source = this.#byArn.get(input.sourceArn);
    if (source === undefined) {
      throw new QueueError('ResourceNotFoundException', `The resource that you specified for the SourceArn parameter doesn't exist: "${input.sourceArn}".`);
    }
    const sources = [...this.#queues.values()].filter((queue) => queue.deadLetter?.queue === source);
    if (sources.length === 0) {
      throw invalidParameter('SourceArn', input.sourceArn, 'Source queue must be configured as a Dead Letter Queue.');
    }
    const destination = input.destinationArn === undefined ? undefined : this.#byArn.get(input.destinationArn);
    if (input.destinationArn !== undefined && destination === undefined) {
      throw new QueueError('ResourceNotFoundException', `The resource that you specified for the DestinationArn parameter doesn't exist: "${input.destinationArn}".`);
    }

    const now = this.#now();
    const moved = this.#db.transaction(() => {
      let count = 0;
      for (const row of this.#db.selectQueueSeqs.all(source.name)) {
        const target = destination ?? this.#byArn.get(row.dead_letter_source_arn ?? '') ?? sources[0]!;
        this.#db.moveBackFromDeadLetterQueue.run(target.name, now, row.seq);
        count++;
      }
      return count;
    });
    for (const queue of destination ? [destination] : sources) queue.arrivals.notify();

    const task: MessageMoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: input.sourceArn })).toString('base64'),
      status: 'COMPLETED',
      sourceArn: input.sourceArn,
      destinationArn: input.destinationArn,
      approximateNumberOfMessagesMoved: moved,
      startedTimestamp: now,
    };
    this.#moveTasks.push(task);
    this.#logger.verbose('queue %s: moved %d messages back from the dead-letter queue', source.name, moved);
    return { taskHandle: task.taskHandle };
  }

  /** Returns the move tasks started from this dead-letter queue, most recent first. */
  listMessageMoveTasks(sourceArn: string): MessageMoveTask[] {
    return this.#moveTasks.filter((task) => task.sourceArn === sourceArn).reverse();
  }

  /** Deletes messages older than their queue's retention period and expired deduplication ids. */
  purgeExpired(): void {
    if (this.#closed) return;
    const now = this.#now();
    this.#db.transaction(() => {
      for (const queue of this.#queues.values()) {
        this.#db.deleteExpired.run(queue.name, now - queue.model.retentionSeconds * 1000);
      }
      this.#db.deleteExpiredDeduplication.run(now);
    });
  }

  /** Ends pending long polls and closes the database. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#retentionTimer);
    for (const queue of this.#queues.values()) queue.arrivals.notify();
    this.#db.close();
  }

  #queue(queueName: string): QueueState {
    if (this.#closed) throw new Error('The queue engine is closed.');
    const queue = this.#queues.get(queueName);
    if (queue === undefined) throw queueDoesNotExist(queueName);
    return queue;
  }

  #linkDeadLetterQueues(models: readonly QueueModel[]): void {
    const byId = new Map(models.map((model) => [model.id, this.#queues.get(model.physicalName)!]));
    for (const model of models) {
      if (model.deadLetter === undefined) continue;
      const deadLetterQueue = byId.get(model.deadLetter.queueId);
      if (deadLetterQueue === undefined) {
        this.#logger.warn('queue %s names dead-letter queue %s, which is not declared; messages stay in the queue', model.physicalName, model.deadLetter.queueId);
        continue;
      }
      this.#queues.get(model.physicalName)!.deadLetter = { queue: deadLetterQueue, maxReceiveCount: model.deadLetter.maxReceiveCount };
    }
  }

  /** Stores one checked message; runs inside a transaction. */
  #insert(queue: QueueState, input: SendMessageInput, context: SendContext): SendMessageResult {
    const now = this.#now();
    const md5OfMessageBody = md5OfBody(input.body);
    const md5OfAttributes = md5OfMessageAttributes(input.messageAttributes);
    const deduplicationId = queue.model.fifo ? this.#deduplicationId(queue, input) : undefined;

    // A FIFO message whose deduplication id was seen in the last 5 minutes is
    // accepted but not stored again.
    // NOTE: the duplicate's result carries the original message id; which id
    // SQS returns for a duplicate is not documented (moto returns a new one).
    if (deduplicationId !== undefined) {
      const original = this.#db.selectDeduplication.get(queue.name, deduplicationId, now);
      if (original !== undefined) {
        return { messageId: original.message_id, md5OfMessageBody, md5OfMessageAttributes: md5OfAttributes, sequenceNumber: fifoSequenceNumber(original.seq) };
      }
    }

    const messageId = randomUUID();
    const delaySeconds = input.delaySeconds ?? queue.model.deliveryDelaySeconds;
    const { lastInsertRowid } = this.#db.insertMessage.run({
      queue: queue.name,
      message_id: messageId,
      body: input.body,
      message_attributes: serializeAttributes(input.messageAttributes),
      md5_of_body: md5OfMessageBody,
      md5_of_message_attributes: md5OfAttributes ?? null,
      sender_id: context.senderId ?? DEFAULT_SENDER_ID,
      sent_at: now,
      visible_at: now + delaySeconds * 1000,
      group_id: input.messageGroupId ?? null,
      deduplication_id: deduplicationId ?? null,
      dead_letter_source_arn: null,
      trace_header: context.traceHeader ?? null,
    });
    const seq = Number(lastInsertRowid);

    if (deduplicationId === undefined) return { messageId, md5OfMessageBody, md5OfMessageAttributes: md5OfAttributes };
    this.#db.upsertDeduplication.run(queue.name, deduplicationId, messageId, seq, now + DEDUPLICATION_WINDOW_MS);
    return { messageId, md5OfMessageBody, md5OfMessageAttributes: md5OfAttributes, sequenceNumber: fifoSequenceNumber(seq) };
  }

  /** The explicit id, or with content-based deduplication the SHA-256 of the body. */
  #deduplicationId(queue: QueueState, input: SendMessageInput): string {
    if (input.messageDeduplicationId !== undefined) return input.messageDeduplicationId;
    if (queue.model.contentBasedDeduplication) return createHash('sha256').update(input.body, 'utf8').digest('hex');
    throw new QueueError('InvalidParameterValue', `The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly. Queue: "${queue.name}".`);
  }

  /** Picks and hides visible messages; runs inside a transaction. */
  #receiveNow(queue: QueueState, max: number, visibilitySeconds: number): ReceivedMessage[] {
    const now = this.#now();
    const received: ReceivedMessage[] = [];
    const expiredBefore = now - queue.model.retentionSeconds * 1000;

    // Rows that expire or move to the dead-letter queue do not count, so pick again until the batch is full or nothing is left.
    while (received.length < max) {
      const rows = this.#pickVisible(queue, now, max - received.length);
      if (rows.length === 0) break;

      let skipped = 0;
      for (const row of rows) {
        if (row.sent_at <= expiredBefore) {
          this.#db.deleteMessage.run(row.seq);
          skipped++;
        } else if (queue.deadLetter !== undefined && row.receive_count >= queue.deadLetter.maxReceiveCount) {
          // SQS moves a message to the dead-letter queue when a receive would exceed maxReceiveCount.
          this.#db.moveToDeadLetterQueue.run(queue.deadLetter.queue.name, queue.arn, now, row.seq);
          queue.deadLetter.queue.arrivals.notify();
          skipped++;
        } else {
          const token = randomUUID();
          this.#db.markReceived.run({ token, visibleAt: now + visibilitySeconds * 1000, now, seq: row.seq });
          received.push(toReceivedMessage(row, { token, now }, queue.model.fifo));
        }
      }
      if (skipped === 0) break;
    }
    return received;
  }

  /** Standard queues: any visible messages, oldest first. FIFO queues: in order, skipping groups with a message in flight. */
  #pickVisible(queue: QueueState, now: number, limit: number): MessageRow[] {
    if (!queue.model.fifo) return this.#db.selectVisible.all(queue.name, now, limit);

    const blockedGroups = new Set(this.#db.selectInFlightGroups.all(queue.name, now).map((row) => row.group_id));
    const rows: MessageRow[] = [];
    for (const row of this.#db.selectVisibleInOrder.iterate(queue.name, now)) {
      if (blockedGroups.has(row.group_id ?? '')) continue;
      rows.push(row);
      if (rows.length === limit) break;
    }
    return rows;
  }
}

function checkVisibilityTimeout(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
    throw invalidParameter('VisibilityTimeout', seconds, `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT_SECONDS}, if provided.`);
  }
  return seconds;
}

function batchError(id: string, error: unknown): BatchResultError {
  if (error instanceof QueueError) return { id, senderFault: true, code: error.name, message: error.message };
  return { id, senderFault: false, code: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}

function runBatch<T extends { readonly id: string }>(entries: readonly T[], run: (entry: T) => void): BatchEntryResult {
  const successful: { id: string }[] = [];
  const failed: BatchResultError[] = [];
  for (const entry of entries) {
    try {
      run(entry);
      successful.push({ id: entry.id });
    } catch (error) {
      failed.push(batchError(entry.id, error));
    }
  }
  return { successful, failed };
}
