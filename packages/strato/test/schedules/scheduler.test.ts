import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import type { ScheduleModel } from '../../src/model/index.ts';
import { Scheduler, type ScheduleFire } from '../../src/local/schedules/index.ts';

const samples = path.join(import.meta.dirname, '../../../../../shared/samples/events');
const sample = JSON.parse(readFileSync(path.join(samples, 'eventbridge-scheduled.json'), 'utf8')) as Record<string, unknown>;

function schedule(name: string, expression: string): ScheduleModel {
  return { id: `jobs.${name}`, service: 'jobs', name, physicalName: `demo-jobs-${name}`, expression, functionId: 'jobs.work' };
}

/** Collects what the scheduler hands to asynchronous invocation. */
class CollectingTarget {
  readonly events: { functionId: string; event: Record<string, unknown> }[] = [];
  async enqueue(functionId: string, event: unknown): Promise<void> {
    this.events.push({ functionId, event: event as Record<string, unknown> });
  }
}

test('scheduler fires with the ScheduledEvent shape', async () => {
  let offsetMs = 0;
  const target = new CollectingTarget();
  let fired!: (fire: ScheduleFire) => void;
  const firedOnce = new Promise<ScheduleFire>((resolve) => (fired = resolve));
  const scheduler = new Scheduler({
    schedules: [schedule('every-minute', 'cron(* * * * ? *)')],
    target,
    region: 'us-east-2',
    accountId: '123456789012',
    clock: () => Date.now() + offsetMs,
    onFire: (fire) => fired(fire),
  });

  // Move the clock to just before the first fire time; update() sets the timer again.
  const [first] = scheduler.upcoming();
  assert.ok(first);
  offsetMs = first.at.getTime() - Date.now() - 5;
  scheduler.update([schedule('every-minute', 'cron(* * * * ? *)')]);

  const fire = await firedOnce;
  scheduler.close();

  assert.equal(fire.error, undefined);
  assert.equal(target.events.length, 1);
  const { functionId, event } = target.events[0]!;
  assert.equal(functionId, 'jobs.work');
  // Same fields in the same order as the sample event of a scheduled rule.
  assert.deepEqual(Object.keys(event), Object.keys(sample));
  assert.equal(event['detail-type'], 'Scheduled Event');
  assert.equal(event.source, 'aws.events');
  assert.equal(event.account, '123456789012');
  assert.equal(event.region, 'us-east-2');
  assert.deepEqual(event.resources, ['arn:aws:events:us-east-2:123456789012:rule/demo-jobs-every-minute']);
  assert.deepEqual(event.detail, {});
  // The time is the scheduled instant, in whole seconds.
  assert.equal(event.time, first.at.toISOString().replace('.000Z', 'Z'));
  assert.match(String(event.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  // The next fire is a minute later.
  assert.equal(scheduler.upcoming()[0]?.at.getTime(), first.at.getTime() + 60_000);
});

test('scheduler lists upcoming fires soonest first', () => {
  const scheduler = new Scheduler({
    schedules: [schedule('yearly', 'cron(0 0 1 1 ? *)'), schedule('often', 'rate(5 minutes)')],
    target: new CollectingTarget(),
  });
  const upcoming = scheduler.upcoming();
  scheduler.close();

  assert.deepEqual(upcoming.map((fire) => fire.scheduleId), ['jobs.often', 'jobs.yearly']);
});

test('scheduler keeps a rate start across updates', () => {
  const scheduler = new Scheduler({ schedules: [schedule('often', 'rate(5 minutes)')], target: new CollectingTarget() });
  const before = scheduler.upcoming()[0]?.at;
  scheduler.update([schedule('often', 'rate(5 minutes)')]);
  const after = scheduler.upcoming()[0]?.at;
  scheduler.close();

  assert.equal(after?.getTime(), before?.getTime());
});

test('scheduler rejects invalid expressions with their place', () => {
  assert.throws(
    () => new Scheduler({ schedules: [schedule('bad', 'cron(0 0 * * * *)'), schedule('ok', 'rate(1 hour)')], target: new CollectingTarget() }),
    /services\.jobs\.schedules\.bad\.schedule: Parameter ScheduleExpression is not valid: "cron\(0 0 \* \* \* \*\)"/,
  );
});

test('scheduler logs a fire the target rejects', async () => {
  let offsetMs = 0;
  const lines: string[] = [];
  let fired!: (fire: ScheduleFire) => void;
  const firedOnce = new Promise<ScheduleFire>((resolve) => (fired = resolve));
  const scheduler = new Scheduler({
    schedules: [schedule('every-minute', 'cron(* * * * ? *)')],
    target: { enqueue: async () => { throw new Error('the asynchronous invoker is closed'); } },
    clock: () => Date.now() + offsetMs,
    logger: { info() {}, warn() {}, verbose() {}, error: (message, ...args) => lines.push([message, ...args].join(' ')) },
    onFire: (fire) => fired(fire),
  });
  offsetMs = scheduler.upcoming()[0]!.at.getTime() - Date.now() - 5;
  scheduler.update([schedule('every-minute', 'cron(* * * * ? *)')]);

  const fire = await firedOnce;
  scheduler.close();

  assert.ok(fire.error instanceof Error);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /jobs\.every-minute/);
  assert.match(lines[0]!, /the asynchronous invoker is closed/);
});
