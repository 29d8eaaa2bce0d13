/**
 * The application's event bus, with EventBridge's semantics: `PutEvents`
 * matches each event against every rule and stores the event with one
 * delivery per target of each matching rule, in one SQLite transaction,
 * before it returns. A delivery loop then hands events to their targets:
 * functions through asynchronous invocation, as EventBridge invokes Lambda,
 * and queues as a message whose body is the event. A target that fails is
 * retried with backoff; one that keeps failing, or no longer exists, leaves
 * the event in the dead-letter store.
 *
 * One timer waits for the next due retry; puts and finished deliveries wake
 * the loop, so nothing polls.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { AppModel, RuleModel } from '../../model/index.ts';
import { compileEventPattern, type EventMatcher } from '../../model/event-pattern.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { BusDb, type DeadLetterRow, type DeliveryRow, type NewDelivery, type NewEvent, type TargetRef } from './bus-db.ts';
import { checkPutEventsRequest, toBusEvent, type BusEvent, type PutEventsResult, type PutEventsResultEntry } from './put-events.ts';
import { backoffDelay, resolveBusRetryPolicy, type BusRetryOptions, type BusRetryPolicy } from './retry-policy.ts';

/** setTimeout's maximum delay; a later retry is checked again after this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Errors that no retry can fix: EventBridge sends such events to the
 * dead-letter queue at once, without retries (user guide, "Event retry
 * policy and using dead-letter queues").
 */
const PERMANENT_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'RequestEntityTooLargeException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  // A queue that rejects the message, such as a FIFO queue, which needs a message group id, rejects every retry.
  'MissingParameter',
  'InvalidParameterValue',
  'InvalidMessageContents',
]);

/** The connection from the bus to the targets of rules. The local cloud wires it to asynchronous invocation and the queues. */
export interface BusTargets {
  /** Invokes a function asynchronously; resolves once the event is stored for delivery. */
  invokeFunction(functionId: string, event: BusEvent): Promise<unknown>;
  /** Sends a message to a queue; resolves once the message is stored. */
  sendToQueue(queueId: string, body: string): Promise<unknown>;
}

export interface EventBusOptions {
  /** Folder of the local cloud's state; the bus keeps `bus.sqlite` there. */
  readonly stateDir: string;
  readonly app: AppModel;
  readonly targets: BusTargets;
  readonly retry?: BusRetryOptions;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Deliveries running at the same time.
   * @default 64
   */
  readonly maxConcurrentDeliveries?: number;
  readonly logger?: Logger;
  /** Called after each delivery attempt settles, for logs, metrics and tests. */
  readonly onDelivery?: (outcome: BusDeliveryOutcome) => void;
}

export type BusDeliveryOutcome =
  | { readonly type: 'delivered'; readonly eventId: string; readonly ruleId: string; readonly target: TargetRef; readonly attempts: number }
  | { readonly type: 'retrying'; readonly eventId: string; readonly ruleId: string; readonly target: TargetRef; readonly attempts: number; readonly error: string; readonly dueAt: Date }
  | { readonly type: 'dead-lettered'; readonly eventId: string; readonly ruleId: string; readonly target: TargetRef; readonly attempts: number; readonly error: string };

/** An event that a target did not take, with the attributes EventBridge gives a dead-letter message. */
export interface DeadLetter {
  readonly id: number;
  readonly event: BusEvent;
  readonly ruleArn: string;
  readonly targetArn: string;
  readonly target: TargetRef;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`; missing when the error was not retried at all. */
  readonly exhaustedRetryCondition?: string;
  /** Retries made after the first attempt, as `RETRY_ATTEMPTS`. */
  readonly retryAttempts: number;
  readonly putAt: Date;
  readonly failedAt: Date;
}

interface CompiledRule {
  readonly rule: RuleModel;
  readonly matches: EventMatcher;
  readonly deliveries: readonly NewDelivery[];
}

export class EventBus {
  private readonly db: BusDb;
  private readonly policy: BusRetryPolicy;
  private readonly logger: Logger;
  private readonly identity: { accountId: string; region: string };
  private readonly maxConcurrent: number;
  private readonly inFlight = new Set<Promise<void>>();
  private app: AppModel;
  private rules: readonly CompiledRule[];
  private timer: NodeJS.Timeout | undefined;
  private pumpQueued = false;
  private closed = false;

  constructor(private readonly options: EventBusOptions) {
    mkdirSync(options.stateDir, { recursive: true });
    this.db = new BusDb(path.join(options.stateDir, 'bus.sqlite'));
    this.policy = resolveBusRetryPolicy(options.retry);
    this.logger = options.logger ?? silentLogger;
    this.identity = { accountId: options.accountId ?? '000000000000', region: options.region ?? 'us-east-1' };
    this.maxConcurrent = options.maxConcurrentDeliveries ?? 64;
    this.app = options.app;
    this.rules = compileRules(options.app.rules);

    // Deliveries left by a previous run resume now.
    this.wake();
  }

  /** Uses the rules and targets of a reloaded model. Deliveries already stored keep their targets. */
  update(app: AppModel): void {
    this.app = app;
    this.rules = compileRules(app.rules);
  }

  /**
   * Runs `PutEvents`: checks the request, then stores every valid entry with
   * the deliveries of the rules it matches, and returns one result per entry.
   * Throws an `AwsError` for a request that is invalid as a whole.
   */
  putEvents(entries: unknown): PutEventsResult {
    if (this.closed) throw new Error('The event bus is closed; the local cloud is shutting down.');
    checkPutEventsRequest(entries);

    const now = new Date();
    const results: PutEventsResultEntry[] = [];
    const stored: NewEvent[] = [];
    for (const entry of entries) {
      const event = toBusEvent(entry, this.identity, now);
      if ('ErrorCode' in event) {
        results.push(event);
        continue;
      }
      results.push({ EventId: event.id });
      stored.push({ id: event.id, json: JSON.stringify(event), deliveries: this.matchingDeliveries(event) });
    }

    if (stored.length > 0) {
      this.db.putEvents(stored, now.getTime());
      if (stored.some((event) => event.deliveries.length > 0)) this.wake();
    }
    return { FailedEntryCount: results.length - stored.length, Entries: results };
  }

  /** Returns events that targets did not take, oldest first. */
  listDeadLetters(limit = 1000): DeadLetter[] {
    return this.db.listDeadLetters(limit).map((row) => this.toDeadLetter(row));
  }

  /** Delivers dead letters again, as new deliveries to the same targets, and returns how many moved. */
  redriveDeadLetters(ids: readonly number[] = this.listDeadLetters().map((letter) => letter.id)): number {
    const moved = this.db.redrive(ids, Date.now());
    if (moved > 0) this.wake();
    return moved;
  }

  /** Returns the number of deliveries waiting for a first attempt or a retry, in flight included. */
  pendingCount(): number {
    return this.db.pendingCount();
  }

  /**
   * Stops delivering, waits for the deliveries in flight to record their
   * outcome and closes the database. Deliveries not yet made stay on disk
   * for the next EventBus on the same state folder.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    this.db.close();
  }

  private matchingDeliveries(event: BusEvent): NewDelivery[] {
    const deliveries: NewDelivery[] = [];
    for (const rule of this.rules) {
      if (rule.matches(event)) deliveries.push(...rule.deliveries);
    }
    return deliveries;
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

  /** Starts every due delivery there is room for, then sets the timer for the next one. */
  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;

    const room = this.maxConcurrent - this.inFlight.size;
    if (room <= 0) return; // A finishing delivery wakes the loop again.
    for (const row of this.db.takeDue(Date.now(), room)) this.track(this.deliver(row));

    const nextDueAt = this.db.nextDueAt();
    if (nextDueAt === undefined || this.inFlight.size >= this.maxConcurrent) return;
    this.timer = setTimeout(() => this.pump(), Math.min(Math.max(0, nextDueAt - Date.now()), MAX_TIMER_MS));
  }

  private track(delivery: Promise<void>): void {
    const settled = delivery
      .catch((error: unknown) => this.logger.error('bus delivery failed unexpectedly: %s', error instanceof Error ? error.stack : error))
      .finally(() => {
        this.inFlight.delete(settled);
        this.wake();
      });
    this.inFlight.add(settled);
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const attempts = row.attempts + 1;
    const missing = this.missingTarget(row.target);
    if (missing) {
      this.deadLetter(row, attempts, 'ResourceNotFoundException', missing, undefined);
      return;
    }

    try {
      await this.send(row);
    } catch (error) {
      this.handleFailure(row, attempts, error);
      return;
    }
    if (this.closed) return; // The database is closing; the delivery is made again after a restart.
    this.db.complete(row.id);
    this.options.onDelivery?.({ type: 'delivered', eventId: row.eventId, ruleId: row.ruleId, target: row.target, attempts });
  }

  private async send(row: DeliveryRow): Promise<void> {
    if (row.target.kind === 'queue') {
      // A queue target receives the whole event as the message body.
      await this.options.targets.sendToQueue(row.target.queueId, row.event);
    } else {
      await this.options.targets.invokeFunction(row.target.functionId, JSON.parse(row.event) as BusEvent);
    }
  }

  private handleFailure(row: DeliveryRow, attempts: number, error: unknown): void {
    if (this.closed) return;
    const code = error instanceof Error ? error.name : 'InternalFailure';
    const message = error instanceof Error ? error.message : String(error);

    if (PERMANENT_ERRORS.has(code)) {
      this.deadLetter(row, attempts, code, message, undefined);
      return;
    }
    if (attempts > this.policy.maximumRetryAttempts) {
      this.deadLetter(row, attempts, code, message, 'MaximumRetryAttempts');
      return;
    }
    const dueAt = Date.now() + backoffDelay(this.policy, attempts);
    if (dueAt - row.putAt > this.policy.maximumEventAgeSeconds * 1000) {
      this.deadLetter(row, attempts, code, message, 'MaximumEventAgeInSeconds');
      return;
    }

    this.db.retry(row.id, attempts, dueAt);
    this.logger.verbose('bus: event %s to %s failed (%s: %s); retry %d at %s', row.eventId, describeTarget(row.target), code, message, attempts, new Date(dueAt).toISOString());
    this.options.onDelivery?.({ type: 'retrying', eventId: row.eventId, ruleId: row.ruleId, target: row.target, attempts, error: `${code}: ${message}`, dueAt: new Date(dueAt) });
  }

  private deadLetter(row: DeliveryRow, attempts: number, errorCode: string, errorMessage: string, condition: string | undefined): void {
    if (this.closed) return;
    this.db.deadLetter(row, { attempts, errorCode, errorMessage, condition: condition ?? '' }, Date.now());
    this.logger.error('bus: event %s of rule %s to %s failed for good after %d attempts (%s: %s); it is in the dead-letter store', row.eventId, row.ruleId, describeTarget(row.target), attempts, errorCode, errorMessage);
    this.options.onDelivery?.({ type: 'dead-lettered', eventId: row.eventId, ruleId: row.ruleId, target: row.target, attempts, error: `${errorCode}: ${errorMessage}` });
  }

  /** Returns why a target cannot be reached any more, or `undefined` when it can. */
  private missingTarget(target: TargetRef): string | undefined {
    if (target.kind === 'function') {
      return this.app.functions.some((fn) => fn.id === target.functionId) ? undefined : `Function not found: ${target.functionId}. It is no longer in the application's config.`;
    }
    return this.app.queues.some((queue) => queue.id === target.queueId) ? undefined : `Queue not found: ${target.queueId}. It is no longer in the application's config.`;
  }

  private toDeadLetter(row: DeadLetterRow): DeadLetter {
    const { accountId, region } = this.identity;
    const rule = this.app.rules.find((candidate) => candidate.id === row.ruleId);
    const ruleName = rule ? `${this.app.bus.physicalName}/${rule.physicalName}` : row.ruleId;
    return {
      id: row.id,
      event: JSON.parse(row.event) as BusEvent,
      ruleArn: `arn:aws:events:${region}:${accountId}:rule/${ruleName}`,
      targetArn: this.targetArn(row.target),
      target: row.target,
      errorCode: row.errorCode,
      errorMessage: row.errorMessage,
      exhaustedRetryCondition: row.condition || undefined,
      retryAttempts: Math.max(0, row.attempts - 1),
      putAt: new Date(row.putAt),
      failedAt: new Date(row.failedAt),
    };
  }

  private targetArn(target: TargetRef): string {
    const { accountId, region } = this.identity;
    if (target.kind === 'function') {
      const name = this.app.functions.find((fn) => fn.id === target.functionId)?.physicalName ?? target.functionId;
      return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    }
    const name = this.app.queues.find((queue) => queue.id === target.queueId)?.physicalName ?? target.queueId;
    return `arn:aws:sqs:${region}:${accountId}:${name}`;
  }
}

/** Compiles each rule's pattern once; the model has already rejected malformed patterns. */
function compileRules(rules: readonly RuleModel[]): CompiledRule[] {
  return rules.map((rule) => ({
    rule,
    matches: compileEventPattern(rule.pattern),
    deliveries: rule.targets.map((target) => ({ ruleId: rule.id, target: target.kind === 'function' ? { kind: 'function', functionId: target.functionId } : { kind: 'queue', queueId: target.queueId } })),
  }));
}

function describeTarget(target: TargetRef): string {
  return target.kind === 'function' ? `function ${target.functionId}` : `queue ${target.queueId}`;
}
