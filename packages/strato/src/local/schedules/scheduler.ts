/**
 * Runs the application's schedules: one timer waits for the next due fire
 * time across all schedules, and each fire invokes the schedule's function
 * asynchronously with a `ScheduledEvent`, as an EventBridge scheduled rule
 * does.
 *
 * Fire times missed while the local cloud was not running are skipped, as
 * EventBridge does not replay them. A rate counts its periods from the moment
 * the scheduler learns the schedule.
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';

import type { ScheduleModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { ScheduleExpressionError } from '../../model/schedule-cron.ts';
import { parseScheduleExpression, type ScheduleTimes } from '../../model/schedule-expression.ts';

/** setTimeout's maximum delay; a later fire is checked again after this long. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The destination of fired events: Lambda's asynchronous invocation, which stores an event before it resolves. */
export interface AsyncTarget {
  enqueue(functionId: string, event: unknown): Promise<unknown>;
}

export interface SchedulerOptions {
  readonly schedules: readonly ScheduleModel[];
  readonly target: AsyncTarget;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  readonly logger?: Logger;
  /** Current time in epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  /** Called after each fire is handed to the target, or fails to be. */
  readonly onFire?: (fire: ScheduleFire) => void;
}

export interface ScheduleFire {
  readonly scheduleId: string;
  readonly functionId: string;
  /** The scheduled instant, as the event's `time` gives it. */
  readonly at: Date;
  readonly error?: unknown;
}

interface Entry {
  readonly schedule: ScheduleModel;
  readonly times: ScheduleTimes;
  /** When the scheduler learned the schedule; rates count from here. */
  readonly start: Date;
  next: Date | undefined;
}

export class Scheduler {
  private entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly region: string;
  private readonly accountId: string;

  /** Parses every expression, and throws one error that lists each invalid one. */
  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.update(options.schedules);
  }

  /**
   * Replaces the schedules, as after a config reload. A schedule whose
   * expression did not change keeps its rate start and next fire time.
   */
  update(schedules: readonly ScheduleModel[]): void {
    const now = new Date(this.clock());
    const entries = new Map<string, Entry>();
    const invalid: string[] = [];

    for (const schedule of schedules) {
      const previous = this.entries.get(schedule.id);
      if (previous && previous.schedule.expression === schedule.expression) {
        entries.set(schedule.id, { ...previous, schedule });
        continue;
      }
      try {
        const times = parseScheduleExpression(schedule.expression);
        entries.set(schedule.id, { schedule, times, start: now, next: times.next(now, now) });
      } catch (error) {
        if (!(error instanceof ScheduleExpressionError)) throw error;
        invalid.push(`services.${schedule.service}.schedules.${schedule.name}.schedule: ${error.message}`);
      }
    }
    if (invalid.length > 0) throw new Error(`Invalid schedule expressions:\n  - ${invalid.join('\n  - ')}`);

    this.entries = entries;
    this.arm();
  }

  /** Returns the next fire time of each schedule, soonest first. */
  upcoming(): { scheduleId: string; functionId: string; at: Date }[] {
    return [...this.entries.values()]
      .filter((entry) => entry.next !== undefined)
      .map((entry) => ({ scheduleId: entry.schedule.id, functionId: entry.schedule.functionId, at: entry.next! }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Stops the timer. Fires already handed to the target stay with it. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Sets the one timer for the soonest fire time. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;

    const soonest = this.upcoming()[0];
    if (!soonest) return;
    const delay = Math.min(Math.max(0, soonest.at.getTime() - this.clock()), MAX_TIMER_MS);
    // The timer keeps the process alive until close().
    this.timer = setTimeout(() => this.fireDue(), delay);
  }

  /** Fires every schedule that is due, moves each to its next time, and sets the timer again. */
  private fireDue(): void {
    const now = new Date(this.clock());
    for (const entry of this.entries.values()) {
      if (!entry.next || entry.next.getTime() > now.getTime()) continue;
      const at = entry.next;
      entry.next = entry.times.next(now, entry.start);
      void this.fire(entry.schedule, at);
    }
    this.arm();
  }

  private async fire(schedule: ScheduleModel, at: Date): Promise<void> {
    const event = this.scheduledEvent(schedule, at);
    try {
      await this.options.target.enqueue(schedule.functionId, event);
      this.options.onFire?.({ scheduleId: schedule.id, functionId: schedule.functionId, at });
    } catch (error) {
      this.logger.error('schedule %s could not invoke %s for %s: %s', schedule.id, schedule.functionId, event.time, error instanceof Error ? error.message : error);
      this.options.onFire?.({ scheduleId: schedule.id, functionId: schedule.functionId, at, error });
    }
  }

  /** Builds the event of a scheduled rule: source `aws.events`, the rule's ARN, an empty detail and the scheduled instant in whole seconds. */
  private scheduledEvent(schedule: ScheduleModel, at: Date): ScheduledEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.accountId,
      time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [`arn:aws:events:${this.region}:${this.accountId}:rule/${schedule.physicalName}`],
      detail: {},
    };
  }
}
