/**
 * EventBridge cron expressions: six fields (minutes, hours, day-of-month,
 * month, day-of-week, year), evaluated in UTC.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 *
 * | field        | values             | wildcards         |
 * | ------------ | ------------------ | ----------------- |
 * | minutes      | 0-59               | , - * /           |
 * | hours        | 0-23               | , - * /           |
 * | day-of-month | 1-31               | , - * ? / L W     |
 * | month        | 1-12 or JAN-DEC    | , - * /           |
 * | day-of-week  | 1-7 or SUN-SAT     | , - * ? L #       |
 * | year         | 1970-2199          | , - * /           |
 *
 * Exactly one of day-of-month and day-of-week is `?`.
 */

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const LAST_YEAR = 2199;

/** Thrown for an expression that EventBridge would reject, with the reason. */
export class ScheduleExpressionError extends Error {
  constructor(readonly expression: string, readonly reason: string) {
    super(`Parameter ScheduleExpression is not valid: "${expression}". ${reason}`);
    this.name = 'ValidationException';
  }
}

/** The rule of the two day fields: the days of a month that they select. */
type DayRule =
  | { readonly kind: 'days-of-month'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last-day-of-month' }
  | { readonly kind: 'nearest-weekday'; readonly day: number }
  | { readonly kind: 'last-weekday-of-month' }
  | { readonly kind: 'days-of-week'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last-of-week-day'; readonly weekday: number }
  | { readonly kind: 'nth-week-day'; readonly weekday: number; readonly nth: number };

export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly dayRule: DayRule;
}

/** Parses the inside of `cron(...)`. */
export function parseCron(fieldsText: string, expression = `cron(${fieldsText})`): CronSchedule {
  const fail = (reason: string): never => {
    throw new ScheduleExpressionError(expression, reason);
  };

  const fields = fieldsText.trim().split(/\s+/);
  if (fields.length !== 6) fail(`A cron expression has six fields (minutes hours day-of-month month day-of-week year); found ${fields.length}.`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];

  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('Use `?` in exactly one of day-of-month and day-of-week, such as `cron(0 12 * * ? *)` or `cron(0 12 ? * MON *)`.');
  }

  return {
    minutes: parseList(minutes, { name: 'minutes', min: 0, max: 59 }, fail),
    hours: parseList(hours, { name: 'hours', min: 0, max: 23 }, fail),
    months: parseList(month, { name: 'month', min: 1, max: 12, names: MONTH_NAMES }, fail),
    years: parseList(year, { name: 'year', min: 1970, max: LAST_YEAR }, fail),
    dayRule: dayOfMonth === '?' ? parseDayOfWeek(dayOfWeek, fail) : parseDayOfMonth(dayOfMonth, fail),
  };
}

interface FieldRange {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for the values from `min` on, such as JAN for 1. */
  readonly names?: readonly string[];
}

/** Parses `*`, values, ranges and steps separated by commas, such as `0,15,30-40,50/5`. */
function parseList(text: string, range: FieldRange, fail: (reason: string) => never): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [base = '', stepText, ...extra] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (extra.length > 0 || !Number.isInteger(step) || step < 1) fail(`"${part}" in ${range.name} has an invalid step; write start/step, such as 0/15.`);

    let from: number;
    let to: number;
    if (base === '*') {
      from = range.min;
      to = range.max;
    } else if (base.includes('-')) {
      const [start = '', end = ''] = base.split('-');
      from = parseValue(start, range, fail);
      to = parseValue(end, range, fail);
      if (from > to) fail(`"${part}" in ${range.name} is a range that ends before it starts.`);
    } else {
      from = parseValue(base, range, fail);
      // `5/10` runs from 5 to the end of the field; a lone `5` is one value.
      to = stepText === undefined ? from : range.max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function parseValue(text: string, range: FieldRange, fail: (reason: string) => never): number {
  const nameIndex = range.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return range.min + nameIndex;

  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= range.min && value <= range.max)) {
    const names = range.names ? ` or ${range.names[0]}-${range.names.at(-1)}` : '';
    fail(`"${text}" is not a valid ${range.name} value; use ${range.min}-${range.max}${names}.`);
  }
  return value;
}

function parseDayOfMonth(text: string, fail: (reason: string) => never): DayRule {
  if (text === 'L') return { kind: 'last-day-of-month' };
  if (text === 'LW') return { kind: 'last-weekday-of-month' };

  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) fail(`"${text}" in day-of-month names day ${day}; use 1W to 31W.`);
    return { kind: 'nearest-weekday', day };
  }
  return { kind: 'days-of-month', days: parseList(text, { name: 'day-of-month', min: 1, max: 31 }, fail) };
}

function parseDayOfWeek(text: string, fail: (reason: string) => never): DayRule {
  const range = { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES };

  // `L` alone is the last day of the week, Saturday; `6L` is the month's last Friday.
  if (text === 'L') return { kind: 'days-of-week', days: new Set([7]) };
  const last = /^(\w+)L$/.exec(text);
  if (last) return { kind: 'last-of-week-day', weekday: parseValue(last[1]!, range, fail) };

  if (text.includes('#')) {
    const nth = /^(\w+)#(\d)$/.exec(text);
    if (!nth) fail(`"${text}" in day-of-week must be one day#n expression, such as 3#2 for the second Tuesday.`);
    const n = Number(nth![2]);
    if (n < 1 || n > 5) fail(`"${text}" asks for week ${n} of the month; use 1 to 5.`);
    return { kind: 'nth-week-day', weekday: parseValue(nth![1]!, range, fail), nth: n };
  }
  return { kind: 'days-of-week', days: parseList(text, range, fail) };
}

/** Returns the first minute strictly after `after` that the schedule selects, or `undefined` after 2199. */
export function nextCronTime(schedule: CronSchedule, after: Date): Date | undefined {
  // Start at the next whole minute.
  let time = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);

  // Each step jumps to the start of the next year, month, day, hour or minute, so the loop is bounded by the calendar up to 2199.
  for (;;) {
    const year = time.getUTCFullYear();
    if (year > LAST_YEAR) return undefined;
    if (!schedule.years.has(year)) {
      time = new Date(Date.UTC(year + 1, 0, 1));
      continue;
    }

    const month = time.getUTCMonth() + 1;
    if (!schedule.months.has(month)) {
      time = new Date(Date.UTC(year, month, 1));
      continue;
    }

    const day = time.getUTCDate();
    if (!dayMatches(schedule.dayRule, year, month, day)) {
      time = new Date(Date.UTC(year, month - 1, day + 1));
      continue;
    }

    const hour = time.getUTCHours();
    if (!schedule.hours.has(hour)) {
      time = new Date(Date.UTC(year, month - 1, day, hour + 1));
      continue;
    }

    if (!schedule.minutes.has(time.getUTCMinutes())) {
      time = new Date(time.getTime() + 60_000);
      continue;
    }
    return time;
  }
}

function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  // EventBridge numbers days of the week from 1 (Sunday) to 7 (Saturday).
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

  switch (rule.kind) {
    case 'days-of-month':
      return rule.days.has(day);
    case 'last-day-of-month':
      return day === daysInMonth;
    case 'nearest-weekday':
      return rule.day <= daysInMonth && day === nearestWeekday(year, month, rule.day, daysInMonth);
    case 'last-weekday-of-month':
      return day === nearestWeekday(year, month, daysInMonth, daysInMonth);
    case 'days-of-week':
      return rule.days.has(weekday);
    case 'last-of-week-day':
      return weekday === rule.weekday && day + 7 > daysInMonth;
    case 'nth-week-day':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}

/** Returns the weekday (Monday to Friday) nearest to `day` without leaving the month, as `W` selects it. */
function nearestWeekday(year: number, month: number, day: number, daysInMonth: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  if (weekday === 6) return day === 1 ? 3 : day - 1; // Saturday: Friday before, or Monday the 3rd.
  if (weekday === 0) return day === daysInMonth ? day - 2 : day + 1; // Sunday: Monday after, or Friday before at the month's end.
  return day;
}
