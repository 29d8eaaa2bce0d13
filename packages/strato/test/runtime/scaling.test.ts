import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';

import { ServiceError } from '../../src/runtime/index.ts';
import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

interface SleepPayload {
  count: number;
  threadId: number;
}

test('concurrent requests scale out', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler' });

  const results = await Promise.all([1, 2, 3].map(() => harness.runtime.invoke(fn, { ms: 100 })));
  const payloads = results.map((result) => payloadOf(result) as SleepPayload);

  // RULES.md 8.7: one invocation at a time per environment, each with its own cold start.
  assert.equal(new Set(payloads.map((payload) => payload.threadId)).size, 3);
  assert.deepEqual(payloads.map((payload) => payload.count), [1, 1, 1]);
  const reports = harness.logsOf(fn).filter((line) => line.startsWith('REPORT'));
  assert.equal(reports.filter((line) => line.includes('\tInit Duration: ')).length, 3);
});

test('fast function reuses warm environments', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler' });
  await harness.runtime.invoke(fn, {});

  const results = await Promise.all(Array.from({ length: 20 }, () => harness.runtime.invoke(fn, {})));
  const threads = new Set(results.map((result) => (payloadOf(result) as SleepPayload).threadId));

  // The local rule in src/runtime/scale-out.ts: a request to a fast function waits briefly for a busy environment.
  assert.ok(threads.size < 20, `20 requests ran in ${threads.size} environments`);
});

test('sequential requests reuse an environment', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler' });

  const first = payloadOf(await harness.runtime.invoke(fn, {})) as SleepPayload;
  const second = payloadOf(await harness.runtime.invoke(fn, {})) as SleepPayload;

  assert.equal(second.threadId, first.threadId);
  assert.equal(second.count, 2);
  const reports = harness.logsOf(fn).filter((line) => line.startsWith('REPORT'));
  assert.match(reports[0]!, /\tInit Duration: [\d.]+ ms$/);
  assert.doesNotMatch(reports[1]!, /Init Duration/);
});

test('requests over reserved concurrency are throttled', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler', reservedConcurrency: 2 });

  const settled = await Promise.allSettled([1, 2, 3].map(() => harness.runtime.invoke(fn, { ms: 200 })));
  const rejected = settled.filter((outcome) => outcome.status === 'rejected');

  assert.equal(settled.filter((outcome) => outcome.status === 'fulfilled').length, 2);
  assert.equal(rejected.length, 1);
  const error = (rejected[0] as PromiseRejectedResult).reason as ServiceError;
  // RULES.md 8.7: 429 TooManyRequestsException beyond the reserved concurrency.
  assert.ok(error instanceof ServiceError);
  assert.equal(error.code, 'TooManyRequestsException');
  assert.equal(error.statusCode, 429);
  assert.equal(error.message, 'Rate Exceeded.');

  // Once the slots are free again, requests run.
  assert.equal((await harness.runtime.invoke(fn, {})).ok, true);
});

test('reserved concurrency of zero throttles every request', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler', reservedConcurrency: 0 });

  await assert.rejects(harness.runtime.invoke(fn, {}), { code: 'TooManyRequestsException' });
});

test('account concurrency limits all functions together', async (t) => {
  const harness = startRuntime({ accountConcurrency: 1 });
  t.after(() => harness.close());
  const first = fixtureFunction('sleep', { handler: 'sleep.handler' });
  const second = fixtureFunction('counter', { handler: 'counter.handler' });

  const running = harness.runtime.invoke(first, { ms: 200 });
  await assert.rejects(harness.runtime.invoke(second, {}), { code: 'TooManyRequestsException' });
  assert.equal((await running).ok, true);
});

test('idle environments are reclaimed', async (t) => {
  const harness = startRuntime({ idleTimeoutMs: 50 });
  t.after(() => harness.close());
  const fn = fixtureFunction('sleep', { handler: 'sleep.handler' });

  const first = payloadOf(await harness.runtime.invoke(fn, {})) as SleepPayload;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const second = payloadOf(await harness.runtime.invoke(fn, {})) as SleepPayload;

  assert.notEqual(second.threadId, first.threadId);
  assert.equal(second.count, 1);
});

test('reload runs the changed code in new environments', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const file = `${harness.stateDir}/reloaded.mjs`;
  writeFileSync(file, "export const handler = async () => 'first version';");
  const fn = { ...fixtureFunction('sleep', { handler: 'sleep.handler' }), handlerFile: file, handlerExport: 'handler' };

  assert.equal(payloadOf(await harness.runtime.invoke(fn, {})), 'first version');

  writeFileSync(file, "export const handler = async () => 'second version';");
  await harness.runtime.reload(fn.id);
  assert.equal(payloadOf(await harness.runtime.invoke(fn, {})), 'second version');
});

test('reload lets a running request finish on the old code', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const file = `${harness.stateDir}/reloaded-slow.mjs`;
  writeFileSync(file, "export const handler = async () => { await new Promise((r) => setTimeout(r, 200)); return 'old'; };");
  const fn = { ...fixtureFunction('sleep', { handler: 'sleep.handler' }), handlerFile: file, handlerExport: 'handler' };
  await harness.runtime.invoke(fn, {});

  const running = harness.runtime.invoke(fn, {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  writeFileSync(file, "export const handler = async () => 'new';");
  await harness.runtime.reload(fn.id);

  assert.equal(payloadOf(await harness.runtime.invoke(fn, {})), 'new');
  assert.equal(payloadOf(await running), 'old');
});

test('unknown runtime is rejected with a clear error', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  // A model from a newer config could name a runtime this runtime does not run.
  const fn = { ...fixtureFunction('sleep', { handler: 'sleep.handler' }), runtime: 'java21' as never };

  await assert.rejects(harness.runtime.invoke(fn, {}), (error: ServiceError) => {
    assert.equal(error.code, 'InvalidRuntimeException');
    assert.match(error.message, /java21, which is not yet supported locally/);
    return true;
  });
});

test('changed settings apply to new environments', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const small = fixtureFunction('echo', { handler: 'echo.handler', memory: 128 });
  const large = fixtureFunction('echo', { handler: 'echo.handler', memory: 1024 });

  const before = payloadOf(await harness.runtime.invoke(small, {})) as { context: { memoryLimitInMB: string } };
  const after = payloadOf(await harness.runtime.invoke(large, {})) as { context: { memoryLimitInMB: string } };

  assert.equal(before.context.memoryLimitInMB, '128');
  assert.equal(after.context.memoryLimitInMB, '1024');
});
