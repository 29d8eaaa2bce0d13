/**
 * Schedules: rate and cron expressions in EventBridge syntax that invoke
 * functions asynchronously with a `ScheduledEvent`. The public door of this
 * folder.
 *
 * ```ts
 * const scheduler = new Scheduler({ schedules: app.schedules, target: asyncInvoker, region, accountId });
 * scheduler.upcoming();           // next fire time of each schedule
 * scheduler.update(app.schedules); // after a config reload
 * scheduler.close();
 * ```
 */
export { Scheduler, type AsyncTarget, type ScheduleFire, type SchedulerOptions } from './scheduler.ts';
export { parseScheduleExpression, type ScheduleTimes } from '../../model/schedule-expression.ts';
export { ScheduleExpressionError } from '../../model/schedule-cron.ts';
