/**
 * Next fire times of schedule expressions. The syntax is that of the
 * EventBridge user guide, "Cron expressions reference"
 * (eb-cron-expressions.html); weekdays were checked against a calendar.
 * 2026-01-01 is a Thursday.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseScheduleExpression, ScheduleExpressionError } from '../../src/local/schedules/index.ts';
import { ModelError, resolveApp } from '../../src/model/index.ts';

function next(expression: string, after: string): string | undefined {
  const at = new Date(after);
  return parseScheduleExpression(expression).next(at, at)?.toISOString();
}

const START = '2026-01-01T00:00:00.000Z';

describe('cron next fire time', () => {
  const cases: [expression: string, after: string, expected: string | undefined][] = [
    ['cron(0 10 * * ? *)', START, '2026-01-01T10:00:00.000Z'],
    ['cron(15 12 * * ? *)', '2026-01-01T12:15:00.000Z', '2026-01-02T12:15:00.000Z'],
    ['cron(0 18 ? * MON-FRI *)', START, '2026-01-01T18:00:00.000Z'],
    ['cron(0 8 1 * ? *)', START, '2026-01-01T08:00:00.000Z'],
    ['cron(0/15 * * * ? *)', START, '2026-01-01T00:15:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-01-01T00:14:59.999Z', '2026-01-01T00:15:00.000Z'],
    ['cron(1/10 * * * ? *)', '2026-01-01T00:01:00.000Z', '2026-01-01T00:11:00.000Z'],
    ['cron(0/10 * ? * MON-FRI *)', '2026-01-03T12:00:00.000Z', '2026-01-05T00:00:00.000Z'],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2026-01-02T17:55:00.000Z', '2026-01-05T08:00:00.000Z'],
    ['cron(0,30 9 ? * SAT,SUN *)', START, '2026-01-03T09:00:00.000Z'],
    ['cron(30 2 ? * SUN *)', START, '2026-01-04T02:30:00.000Z'],
    ['cron(0 9 ? * 2#1 *)', START, '2026-01-05T09:00:00.000Z'],
    ['cron(0 9 ? * MON#1 *)', '2026-01-05T09:00:00.000Z', '2026-02-02T09:00:00.000Z'],
    ['cron(0 0 ? * 6L *)', START, '2026-01-30T00:00:00.000Z'],
    ['cron(0 0 ? * L *)', START, '2026-01-03T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', START, '2026-01-31T00:00:00.000Z'],
    ['cron(0 0 L 2 ? 2028)', START, '2028-02-29T00:00:00.000Z'],
    ['cron(0 0 LW * ? *)', START, '2026-01-30T00:00:00.000Z'],
    ['cron(0 0 15W * ? *)', '2026-02-01T00:00:00.000Z', '2026-02-16T00:00:00.000Z'],
    ['cron(0 0 15W 8 ? 2026)', START, '2026-08-14T00:00:00.000Z'],
    ['cron(0 0 1W 8 ? 2026)', START, '2026-08-03T00:00:00.000Z'],
    ['cron(0 0 31W 5 ? 2026)', START, '2026-05-29T00:00:00.000Z'],
    ['cron(0 12 29 2 ? *)', '2026-03-01T00:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['cron(0 0 31 * ? *)', '2026-02-01T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ['cron(0 0 * * ? 2027)', START, '2027-01-01T00:00:00.000Z'],
    ['cron(0 0 1 jan,jul ? *)', '2026-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['cron(59 23 31 DEC ? 2199)', START, '2199-12-31T23:59:00.000Z'],
    ['cron(0 0 1 1 ? 2025)', START, undefined],
    ['cron(0 0 30 2 ? *)', START, undefined],
  ];

  for (const [expression, after, expected] of cases) {
    test(`${expression} after ${after}`, () => {
      assert.equal(next(expression, after), expected);
    });
  }
});

describe('rate next fire time', () => {
  test('counts periods from the start', () => {
    const times = parseScheduleExpression('rate(5 minutes)');
    const start = new Date(START);
    assert.equal(times.next(start, start)?.toISOString(), '2026-01-01T00:05:00.000Z');
    assert.equal(times.next(new Date('2026-01-01T00:07:00.000Z'), start)?.toISOString(), '2026-01-01T00:10:00.000Z');
    assert.equal(times.next(new Date('2026-01-01T00:10:00.000Z'), start)?.toISOString(), '2026-01-01T00:15:00.000Z');
  });

  test('hours and days', () => {
    assert.equal(next('rate(1 hour)', START), '2026-01-01T01:00:00.000Z');
    assert.equal(next('rate(2 days)', START), '2026-01-03T00:00:00.000Z');
  });
});

describe('invalid expressions', () => {
  const invalid = [
    'cron(0 0 * * * *)',
    'cron(0 0 ? * ? *)',
    'cron(60 0 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 0 * 13 ? *)',
    'cron(0 0 0 * ? *)',
    'cron(0 0 ? * 8 *)',
    'cron(0 0 ? * 3#1,6#3 *)',
    'cron(0 0 ? * 3#6 *)',
    'cron(0 0 * * ?)',
    'cron(5-1 0 * * ? *)',
    'cron(0/0 0 * * ? *)',
    'cron(0 0 * * ? 1969)',
    'cron(0 0 32W * ? *)',
    'rate(0 minutes)',
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(5 seconds)',
    'every day',
  ];

  for (const expression of invalid) {
    test(`rejects ${expression}`, () => {
      assert.throws(() => parseScheduleExpression(expression), (error: unknown) => {
        assert.ok(error instanceof ScheduleExpressionError);
        assert.match(error.message, new RegExp(`^Parameter ScheduleExpression is not valid: "${expression.replace(/[()*?#/]/g, '\\$&')}"\\. `));
        return true;
      });
    });
  }
});

test('the model reports an invalid cron field with its place', () => {
  const root = new URL('../fixtures/hello', import.meta.url).pathname;
  assert.throws(() => resolveApp({
    name: 'demo',
    services: { jobs: { functions: { work: { handler: 'src/hello.handler' } }, schedules: { nightly: { schedule: 'cron(0 25 * * ? *)', function: 'work' } } } },
  }, root), (error: unknown) => {
    assert.ok(error instanceof ModelError);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0]!.path, 'services.jobs.schedules.nightly.schedule');
    assert.equal(error.problems[0]!.message, 'Parameter ScheduleExpression is not valid: "cron(0 25 * * ? *)". "25" is not a valid hours value; use 0-23.');
    return true;
  });
});
