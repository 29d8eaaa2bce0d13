import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

const harness = startRuntime();
after(() => harness.close());

// Lambda counts all the memory of the sandbox against the memory size, and a Node.js runtime over it is
// killed: Runtime.OutOfMemory, "Runtime exited with error: signal: killed".
const bufferHog = fixtureFunction('buffer-hog', { handler: 'buffer-hog.handler', memory: 128, timeout: 20 });
const other = fixtureFunction('counter', { handler: 'counter.handler' });

async function assertOutOfMemory(mode: string): Promise<void> {
  const result = await harness.runtime.invoke(bufferHog, { mode });

  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.errorType, 'Runtime.OutOfMemory');
  assert.equal(result.error.errorMessage, `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed`);

  const report = harness.logsOf(bufferHog).find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  assert.ok(report?.endsWith('\tStatus: error\tError Type: Runtime.OutOfMemory'), report);
  const usedMB = Number(/\tMax Memory Used: (\d+) MB/.exec(report ?? '')?.[1]);
  assert.ok(usedMB >= 128, report);
  // Ended by the memory limit, long before the 20-second timeout would.
  const durationMs = Number(/\tDuration: ([\d.]+) ms/.exec(report ?? '')?.[1]);
  assert.ok(durationMs < 20_000, report);

  // Only that environment ended: the function starts a new one, and other functions still respond.
  assert.deepEqual(payloadOf(await harness.runtime.invoke(bufferHog, {})), { count: 1 });
  assert.equal((await harness.runtime.invoke(other, {})).ok, true);
}

test('Buffers kept across awaits end in Runtime.OutOfMemory', async () => {
  await assertOutOfMemory('async');
});

test('Buffers kept in a synchronous loop end in Runtime.OutOfMemory', async () => {
  await assertOutOfMemory('sync');
});

test('Buffers no longer referenced do not count', async () => {
  const fn = fixtureFunction('buffer-churn', { handler: 'buffer-hog.handler', memory: 128, timeout: 20 });
  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, { mode: 'churn' })), { count: 1 });
});

test('timeout REPORT counts Buffer memory', async () => {
  const fn = fixtureFunction('buffer-hold', { handler: 'buffer-hog.handler', memory: 256, timeout: 1 });
  const result = await harness.runtime.invoke(fn, { mode: 'hold' });

  assert.equal(!result.ok && result.error.errorType, 'Sandbox.Timedout');
  const report = harness.logsOf(fn).find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  assert.ok(report?.endsWith('\tStatus: timeout'), report);
  const usedMB = Number(/\tMax Memory Used: (\d+) MB/.exec(report ?? '')?.[1]);
  assert.ok(usedMB >= 50, report);
});

test('handler sees no global gc', async () => {
  // The first environment of the run sets the flag that exposes `gc`; a later one must not see it.
  const fn = fixtureFunction('global-gc', { handler: 'global-gc.handler' });
  assert.equal(payloadOf(await harness.runtime.invoke(fn, {})), 'undefined');
});

test('busy neighbor survives a synchronous memory overrun', async () => {
  const hog = fixtureFunction('buffer-hog-beside', { handler: 'buffer-hog.handler', memory: 128, timeout: 20 });
  const neighbor = fixtureFunction('sleep-beside', { handler: 'sleep.handler', memory: 128, timeout: 20 });

  // The neighbor is busy (waiting on a timer) during the whole overrun, so the watchdog samples two busy environments.
  const sleeping = harness.runtime.invoke(neighbor, { ms: 1500 });
  const hogResult = await harness.runtime.invoke(hog, { mode: 'sync' });
  const sleepResult = await sleeping;

  assert.equal(!hogResult.ok && hogResult.error.errorType, 'Runtime.OutOfMemory');
  assert.equal(sleepResult.ok, true);
  assert.equal((await harness.runtime.invoke(other, {})).ok, true);
});
