import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

// Lambda's init phase is limited to 10 seconds, apart from the function timeout. An init over it is
// retried at the first invocation under the function timeout.
// @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html ("Init phase")
const harness = startRuntime();
const shortInitLimit = startRuntime({ initLimitMs: 1000 });
after(() => Promise.all([harness.close(), shortInitLimit.close()]));

test('init longer than the function timeout but within the init limit succeeds', async () => {
  const fn = fixtureFunction('slow-init-then-ready', { handler: 'slow-init-then-ready.handler', timeout: 1, environment: { INIT_MS: '1500' } });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(payloadOf(result), 'ready');
  const logs = harness.logsOf(fn);
  const report = logs.find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  const initMs = Number(/\tInit Duration: ([\d.]+) ms/.exec(report ?? '')?.[1]);
  assert.ok(initMs >= 1500, report);
  assert.ok(!report?.includes('Status:'), report);
  assert.ok(!logs.some((line) => line.includes('Task timed out')), logs.join('\n'));
});

test('init longer than the init limit and the function timeout fails with Sandbox.Timedout', async () => {
  const fn = fixtureFunction('slow-init', { handler: 'slow-init.handler', timeout: 1 });
  const first = await shortInitLimit.runtime.invoke(fn, {});

  assert.deepEqual(!first.ok && first.error, {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${first.requestId} Error: Task timed out after 1.00 seconds`,
  });

  // START comes first, then the timeout line, END and a REPORT with the real init duration.
  const lines = shortInitLimit.logsOf(fn).filter((line) => line.includes(first.requestId));
  assert.equal(lines[0], `START RequestId: ${first.requestId} Version: $LATEST`);
  assert.match(lines[1] ?? '', new RegExp(`^\\S+Z ${first.requestId} Task timed out after 1\\.00 seconds$`));
  assert.equal(lines[2], `END RequestId: ${first.requestId}`);
  const initMs = Number(/\tInit Duration: ([\d.]+) ms/.exec(lines[3] ?? '')?.[1]);
  // The real init time, near the 1-second limit (timers may fire a fraction of a millisecond early).
  assert.ok(initMs >= 900, lines[3]);
  assert.ok(lines[3]?.endsWith('\tStatus: timeout'), lines[3]);

  // The environment that timed out is not reused: the next request starts a new one and times out too.
  const second = await shortInitLimit.runtime.invoke(fn, {});
  assert.equal(!second.ok && second.error.errorType, 'Sandbox.Timedout');
  const secondReport = shortInitLimit.logsOf(fn).find((line) => line.startsWith(`REPORT RequestId: ${second.requestId}\t`));
  assert.match(secondReport ?? '', /\tInit Duration: [\d.]+ ms\tStatus: timeout$/);
});
