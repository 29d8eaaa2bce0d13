/**
 * Schedule expressions as EventBridge writes them: `rate(5 minutes)` or
 * `cron(0 12 * * ? *)`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
import { nextCronTime, parseCron, ScheduleExpressionError } from './schedule-cron.ts';

/** A parsed expression that computes fire times. */
export interface ScheduleTimes {
  /**
   * Returns the first fire time strictly after `after`, or `undefined` when
   * there is none. A rate counts its periods from `start`.
   */
  next(after: Date, start: Date): Date | undefined;
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Parses an expression, or throws `ScheduleExpressionError` with the reason. */
export function parseScheduleExpression(expression: string): ScheduleTimes {
  const rate = RATE.exec(expression);
  if (rate) return parseRate(expression, Number(rate[1]), rate[2]!);

  const cron = CRON.exec(expression);
  if (cron) {
    const schedule = parseCron(cron[1]!, expression);
    return { next: (after) => nextCronTime(schedule, after) };
  }
  throw new ScheduleExpressionError(expression, 'Write `rate(<value> <unit>)` with a unit of minutes, hours or days, or a six-field `cron(...)`.');
}

function parseRate(expression: string, value: number, unit: string): ScheduleTimes {
  // A value of 1 takes the singular unit and any other value the plural, as EventBridge requires.
  const singular = !unit.endsWith('s');
  if (value === 0 || (value === 1) !== singular) {
    throw new ScheduleExpressionError(expression, 'Use a positive value, with a singular unit for 1: `rate(1 hour)`, `rate(5 minutes)`.');
  }

  const periodMs = value * UNIT_MS[(singular ? unit : unit.slice(0, -1)) as keyof typeof UNIT_MS];
  return {
    next(after, start) {
      const elapsed = after.getTime() - start.getTime();
      const periods = elapsed < 0 ? 0 : Math.floor(elapsed / periodMs) + 1;
      return new Date(start.getTime() + periods * periodMs);
    },
  };
}
