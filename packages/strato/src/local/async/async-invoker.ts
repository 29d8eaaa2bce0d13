/**
 * Asynchronous invocation with Lambda's rules: an event is written to SQLite
 * before `enqueue` resolves, then delivered through an `Invoker` with one
 * request id for every attempt. A function error is retried twice by
 * default; throttles and service errors are retried with a growing backoff
 * until the event is too old. Events that run out go to a failed store, and
 * the function's destinations receive Lambda's invocation record.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 *
 * One timer waits for the next due event; `enqueue` and every finished
 * delivery wake the loop, so nothing polls.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { DestinationModel, FunctionModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { ServiceError, type FunctionError, type InvokeResult, type Invoker } from '../../runtime/types.ts';
import { destinationRecord, type DestinationCondition, type DestinationRecord } from './destination-record.ts';
import { EventQueueDb, type FailedRow, type NewEvent, type PendingRow } from './event-queue-db.ts';
import { resolveRetryPolicy, retryDelay, throttleDelay, type RetryPolicy, type RetryPolicyOptions } from './retry-policy.ts';

/** Lambda's payload limit for an asynchronous invocation: 1 MB (256 KB before 2025). @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html */
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;

/** setTimeout's maximum delay; a later event is checked again after this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Destinations other than functions: queues and the bus, which other parts of the local cloud own. */
export type ExternalDestination = Exclude<DestinationModel, { readonly kind: 'function' }>;

export interface DestinationSink {
  /** Sends an invocation record to a queue or the bus. Resolves once the record is stored durably. */
  send(destination: ExternalDestination, record: DestinationRecord): Promise<void>;
}

export type DeliveryOutcome =
  | { readonly type: 'succeeded'; readonly functionId: string; readonly requestId: string; readonly attempts: number; readonly result: unknown }
  | { readonly type: 'retrying'; readonly functionId: string; readonly requestId: string; readonly attempts: number; readonly reason: 'FunctionError' | 'Throttled'; readonly dueAt: Date }
  | { readonly type: 'failed'; readonly functionId: string; readonly requestId: string; readonly attempts: number; readonly condition: FailureCondition; readonly error: FunctionError };

/** Reason an event went to the failed store. `FunctionNotFound` is the local cloud's own: the function left the model. */
export type FailureCondition = Exclude<DestinationCondition, 'Success'> | 'FunctionNotFound' | 'InvalidRequest';

/** An event whose delivery failed for good, kept for inspection. */
export interface FailedEvent {
  readonly id: number;
  readonly functionId: string;
  readonly requestId: string;
  readonly event: unknown;
  readonly error: FunctionError;
  /** Function invocations made, as `approximateInvokeCount`. */
  readonly attempts: number;
  readonly condition: FailureCondition;
  readonly enqueuedAt: Date;
  readonly failedAt: Date;
}

export interface AsyncInvokerOptions extends RetryPolicyOptions {
  /** Folder of the local cloud's state; the queue lives in `async-invocations.sqlite` there. */
  readonly stateDir: string;
  readonly invoker: Invoker;
  /** Returns the current model of a function; called at each delivery, so a reloaded config applies. */
  readonly getFunction: (functionId: string) => FunctionModel | undefined;
  /** Receives records for queue and bus destinations. Without it, such records are logged as undelivered. */
  readonly destinations?: DestinationSink;
  /**
   * Deliveries running at the same time, across all functions. Each function's own
   * concurrency limit still applies in the runtime, which throttles beyond it.
   * @default 64
   */
  readonly maxConcurrentDeliveries?: number;
  /** For function ARNs in invocation records. @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: Logger;
  /** Clock in epoch milliseconds, for event ages and due times. @default Date.now */
  readonly now?: () => number;
  /** Called after each delivery attempt settles, for logs, metrics and tests. */
  readonly onOutcome?: (outcome: DeliveryOutcome) => void;
}

export class AsyncInvoker {
  private readonly db: EventQueueDb;
  private readonly policy: RetryPolicy;
  private readonly maxConcurrent: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private pumpQueued = false;
  private closed = false;

  constructor(private readonly options: AsyncInvokerOptions) {
    mkdirSync(options.stateDir, { recursive: true });
    this.db = new EventQueueDb(path.join(options.stateDir, 'async-invocations.sqlite'));
    this.policy = resolveRetryPolicy(options);
    this.maxConcurrent = options.maxConcurrentDeliveries ?? 64;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;

    // Events left by a previous run are delivered now.
    this.wake();
  }

  /**
   * Stores the event for delivery to the function and resolves once it is on
   * disk, as Lambda returns 202 to an `Event` invocation.
   */
  async enqueue(functionId: string, event: unknown): Promise<{ requestId: string }> {
    if (this.closed) throw new ServiceError('ServiceException', 'The asynchronous invoker is closed; the local cloud is shutting down.', 500);

    const payload = JSON.stringify(event) ?? 'null';
    const size = Buffer.byteLength(payload);
    if (size > MAX_ASYNC_PAYLOAD_BYTES) {
      throw new ServiceError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation: the event of ${functionId} is ${size} bytes.`, 413);
    }

    const requestId = randomUUID();
    const now = this.now();
    this.db.add({ functionId, requestId, payload, enqueuedAt: now, dueAt: now });
    this.wake();
    return { requestId };
  }

  /** Returns events whose delivery failed for good, oldest first. */
  listFailed(filter: { functionId?: string; requestId?: string; limit?: number } = {}): FailedEvent[] {
    return this.db.listFailed({ ...filter, limit: filter.limit ?? 1000 }).map(toFailedEvent);
  }

  /**
   * Queues failed events again, oldest first, as new events with new request
   * ids and a fresh maximum age, and returns how many were queued. Lambda has no
   * such call, so this replaces sending a dead-letter queue's messages back.
   */
  redriveFailed(filter: { functionId?: string; limit?: number } = {}): number {
    if (this.closed) throw new ServiceError('ServiceException', 'The asynchronous invoker is closed; the local cloud is shutting down.', 500);
    const moved = this.db.redrive({ ...filter, limit: filter.limit ?? 1000 }, this.now(), randomUUID);
    if (moved > 0) this.wake();
    return moved;
  }

  /** Returns the number of events waiting for delivery or a retry, in flight included. */
  pendingCount(): number {
    return this.db.pendingCount();
  }

  /**
   * Stops delivering, waits for the deliveries in flight to record their
   * outcome and closes the database. Events not yet delivered stay on disk
   * for the next AsyncInvoker on the same state folder.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.db.close();
  }

  /** Schedules one pass of the delivery loop on the next turn of the event loop. */
  private wake(): void {
    if (this.pumpQueued || this.closed) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Starts every due event there is room for, then sets the timer for the next one. */
  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;

    const room = this.maxConcurrent - this.inFlight.size;
    if (room <= 0) return; // A finishing delivery wakes the loop again.

    const now = this.now();
    for (const row of this.db.takeDue(now, room)) this.track(this.deliverSafely(row));

    const nextDueAt = this.db.nextDueAt();
    if (nextDueAt === undefined || this.inFlight.size >= this.maxConcurrent) return;
    // The timer keeps the process alive while events wait for a retry; close() clears it.
    this.timer = setTimeout(() => this.pump(), Math.min(Math.max(0, nextDueAt - this.now()), MAX_TIMER_MS));
  }

  private track(delivery: Promise<void>): void {
    const settled = delivery
      .catch((error: unknown) => this.logger.error('asynchronous delivery failed unexpectedly: %s', error instanceof Error ? error.stack : error))
      .finally(() => {
        this.inFlight.delete(settled);
        this.wake();
      });
    this.inFlight.add(settled);
  }

  /** Delivers the event; an unexpected failure puts it back for a later try rather than leaving it in flight. */
  private async deliverSafely(row: PendingRow): Promise<void> {
    try {
      await this.deliver(row);
    } catch (error) {
      const dueAt = this.now() + throttleDelay(this.policy, row.throttles + 1);
      this.logger.error('%s: delivery to %s failed unexpectedly; retrying at %s: %s', row.requestId, row.functionId, new Date(dueAt).toISOString(), error instanceof Error ? error.stack : error);
      this.db.retryLater(row.id, { dueAt, attempts: row.attempts, throttles: row.throttles + 1, lastError: row.lastError });
    }
  }

  private async deliver(row: PendingRow): Promise<void> {
    const fn = this.options.getFunction(row.functionId);
    if (!fn) {
      await this.fail(row, undefined, 'FunctionNotFound', { errorType: 'ResourceNotFoundException', errorMessage: `Function not found: ${row.functionId}. It is no longer in the application's config.` });
      return;
    }

    const maxAgeMs = fn.async.maxEventAgeSeconds * 1000;
    if (this.now() - row.enqueuedAt > maxAgeMs) {
      await this.fail(row, fn, 'EventAgeExceeded', lastErrorOf(row) ?? eventAgeError(row, fn));
      return;
    }

    let result: InvokeResult;
    try {
      result = await this.options.invoker.invoke(fn, JSON.parse(row.payload), { requestId: row.requestId });
    } catch (error) {
      await this.handleServiceError(row, fn, error);
      return;
    }

    if (result.ok) await this.succeed(row, fn, result.payload);
    else await this.handleFunctionError(row, fn, result.error);
  }

  private async succeed(row: PendingRow, fn: FunctionModel, payload: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const destination = fn.async.onSuccess;
    const record = destination && this.recordFor(row, fn, 'Success', attempts, { result: payload });
    const followUps = await this.sendToDestination(destination, record);
    this.db.complete(row.id, followUps);
    this.options.onOutcome?.({ type: 'succeeded', functionId: row.functionId, requestId: row.requestId, attempts, result: payload });
  }

  private async handleFunctionError(row: PendingRow, fn: FunctionModel, error: FunctionError): Promise<void> {
    const attempts = row.attempts + 1;
    if (attempts > fn.async.maxRetryAttempts) {
      await this.fail({ ...row, attempts }, fn, 'RetriesExhausted', error);
      return;
    }

    const dueAt = this.now() + retryDelay(this.policy, attempts);
    this.logger.verbose('%s: attempt %d of %s failed (%s: %s); retrying at %s', row.requestId, attempts, row.functionId, error.errorType, error.errorMessage, new Date(dueAt).toISOString());
    this.retryLater(row, { dueAt, attempts, throttles: 0, lastError: JSON.stringify(error) }, 'FunctionError');
  }

  /** A rejected invoke means the function did not run: throttled, or the service failed. */
  private async handleServiceError(row: PendingRow, fn: FunctionModel, error: unknown): Promise<void> {
    const serviceError = error instanceof ServiceError ? error : undefined;
    const asFunctionError: FunctionError = {
      errorType: serviceError?.code ?? 'ServiceException',
      errorMessage: error instanceof Error ? error.message : String(error),
    };

    // Lambda retries throttles (429) and server errors (5xx); other client errors will not get better.
    const retryable = !serviceError || serviceError.statusCode === 429 || serviceError.statusCode >= 500;
    if (!retryable) {
      await this.fail(row, fn, 'InvalidRequest', asFunctionError);
      return;
    }

    const throttles = row.throttles + 1;
    const dueAt = this.now() + throttleDelay(this.policy, throttles);
    if (dueAt - row.enqueuedAt > fn.async.maxEventAgeSeconds * 1000) {
      await this.fail(row, fn, 'EventAgeExceeded', lastErrorOf(row) ?? asFunctionError);
      return;
    }

    this.logger.verbose('%s: %s was not run (%s); retrying at %s', row.requestId, row.functionId, asFunctionError.errorType, new Date(dueAt).toISOString());
    this.retryLater(row, { dueAt, attempts: row.attempts, throttles, lastError: row.lastError }, 'Throttled');
  }

  private retryLater(row: PendingRow, change: { dueAt: number; attempts: number; throttles: number; lastError: string | null }, reason: 'FunctionError' | 'Throttled'): void {
    this.db.retryLater(row.id, change);
    this.options.onOutcome?.({ type: 'retrying', functionId: row.functionId, requestId: row.requestId, attempts: change.attempts, reason, dueAt: new Date(change.dueAt) });
  }

  /** Moves the event to the failed store, after sending the on-failure record. */
  private async fail(row: PendingRow, fn: FunctionModel | undefined, condition: FailureCondition, error: FunctionError): Promise<void> {
    const destination = fn?.async.onFailure;
    const isLambdaCondition = condition === 'RetriesExhausted' || condition === 'EventAgeExceeded';
    const record = fn && destination && isLambdaCondition
      ? this.recordFor(row, fn, condition, row.attempts, { error: row.attempts > 0 ? error : undefined })
      : undefined;
    const followUps = await this.sendToDestination(destination, record);
    this.db.fail(row, { error: JSON.stringify(error), attempts: row.attempts, condition, failedAt: this.now() }, followUps);
    this.logger.warn('%s: event for %s failed after %d attempt(s) (%s): %s: %s', row.requestId, row.functionId, row.attempts, condition, error.errorType, error.errorMessage);
    this.options.onOutcome?.({ type: 'failed', functionId: row.functionId, requestId: row.requestId, attempts: row.attempts, condition, error });
  }

  private recordFor(row: PendingRow, fn: FunctionModel, condition: DestinationCondition, attempts: number, response: { result?: unknown; error?: FunctionError }): DestinationRecord {
    return destinationRecord({
      requestId: row.requestId,
      functionArn: `arn:aws:lambda:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '000000000000'}:function:${fn.physicalName}:$LATEST`,
      condition,
      attempts,
      requestPayload: JSON.parse(row.payload),
      ...response,
      now: new Date(this.now()),
    });
  }

  /**
   * Sends a record to its destination. A function destination becomes a new
   * event, returned so the caller stores it in the same transaction that
   * settles the original. Queue and bus destinations go to the sink first,
   * so a crash in between repeats the record rather than losing it.
   */
  private async sendToDestination(destination: DestinationModel | undefined, record: DestinationRecord | undefined): Promise<NewEvent[]> {
    if (!destination || !record) return [];

    if (destination.kind === 'function') {
      const now = this.now();
      return [{ functionId: destination.functionId, requestId: randomUUID(), payload: JSON.stringify(record), enqueuedAt: now, dueAt: now }];
    }

    if (!this.options.destinations) {
      this.logger.warn('%s: the %s destination of an asynchronous invocation is not available in this local cloud; the record was not sent.', record.requestContext.requestId, destination.kind);
      return [];
    }

    // Lambda drops a record it cannot deliver and counts it in the DestinationDeliveryFailures metric.
    // The event itself still completes, so the function is not run again.
    try {
      await this.options.destinations.send(destination, record);
    } catch (error) {
      this.logger.error('%s: could not send the invocation record to the %s destination: %s', record.requestContext.requestId, destination.kind, error instanceof Error ? error.message : error);
    }
    return [];
  }
}

function lastErrorOf(row: PendingRow): FunctionError | undefined {
  return row.lastError ? (JSON.parse(row.lastError) as FunctionError) : undefined;
}

function eventAgeError(row: PendingRow, fn: FunctionModel): FunctionError {
  return {
    errorType: 'EventAgeExceeded',
    errorMessage: `The event was older than the maximum event age of ${fn.async.maxEventAgeSeconds} seconds when its delivery came due (queued at ${new Date(row.enqueuedAt).toISOString()}).`,
  };
}

function toFailedEvent(row: FailedRow): FailedEvent {
  return {
    id: row.id,
    functionId: row.functionId,
    requestId: row.requestId,
    event: JSON.parse(row.payload),
    error: JSON.parse(row.error) as FunctionError,
    attempts: row.attempts,
    condition: row.condition as FailureCondition,
    enqueuedAt: new Date(row.enqueuedAt),
    failedAt: new Date(row.failedAt),
  };
}
