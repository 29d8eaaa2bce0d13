import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../../../../shared/samples/events');
const harness = startRuntime();
after(() => harness.close());

function sample(name: string): { payload: { errorType: string; errorMessage: string; trace?: string[] } } {
  return JSON.parse(readFileSync(path.join(SAMPLES_DIR, name), 'utf8'));
}

test('thrown Error has the Node.js error shape', async () => {
  const expected = sample('invoke-error-unhandled-node.json').payload;
  const fn = fixtureFunction('throws', { handler: 'throws.handler' });
  const result = await harness.runtime.invoke(fn, { speed: 412 });

  assert.equal(result.ok, false);
  if (result.ok) return;
  // RULES.md 9.1: errorType and errorMessage exactly, trace by shape.
  assert.equal(result.error.errorType, expected.errorType);
  assert.equal(result.error.errorMessage, expected.errorMessage);
  assert.equal(result.error.trace?.[0], expected.trace?.[0]);
  assert.ok(result.error.trace?.slice(1).every((line) => line.startsWith('    at ')), result.error.trace?.join('\n'));
});

test('trace points into the handler source', async () => {
  const fn = fixtureFunction('throws', { handler: 'throws.handler' });
  const result = await harness.runtime.invoke(fn, { speed: 1 });

  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.error.trace?.[1] ?? '', /throws\.mjs/, result.error.trace?.join('\n'));
});

test('thrown string is reported by type name', async () => {
  const fn = fixtureFunction('throws-string', { handler: 'throws.throwsString' });
  const result = await harness.runtime.invoke(fn, {});

  // RULES.md 9.1: a thrown non-Error value has its JavaScript type as errorType.
  assert.deepEqual(!result.ok && result.error, { errorType: 'string', errorMessage: 'plain string thrown', trace: [] });
});

test('rejection with null is reported as the runtime does', async () => {
  const fn = fixtureFunction('rejects-null', { handler: 'throws.rejectsWithNull' });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(!result.ok && result.error.errorType, 'handled');
});

test('custom error name becomes the error type', async () => {
  const fn = fixtureFunction('throws-custom', { handler: 'throws.throwsCustomError' });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(!result.ok && result.error.errorType, 'SensorOfflineError');
  assert.equal(!result.ok && result.error.errorMessage, 'station 7 stopped reporting');
});

test('error is logged as Invoke Error', async () => {
  const fn = fixtureFunction('throws', { handler: 'throws.handler' });
  const result = await harness.runtime.invoke(fn, { speed: 500 });
  const line = harness.logsOf(fn).find((entry) => entry.includes(`\t${result.requestId}\tERROR\tInvoke Error \t`));

  assert.ok(line, harness.logsOf(fn).join('\n'));
  const logged = JSON.parse(line.split('Invoke Error \t')[1]!) as { errorType: string; stack: string[] };
  assert.equal(logged.errorType, 'RangeError');
  assert.ok(Array.isArray(logged.stack));
});

test('timeout ends a busy loop', async () => {
  const expected = sample('invoke-error-timeout.json');
  const fn = fixtureFunction('busy-loop', { handler: 'busy-loop.handler', timeout: 1 });
  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, {})), { count: 1, fileFromBefore: false });

  const result = await harness.runtime.invoke(fn, { loop: true });
  assert.equal(result.ok, false);
  if (result.ok) return;
  // RULES.md 9.2: Sandbox.Timedout, the timeout with two decimals.
  assert.equal(result.error.errorType, expected.payload.errorType);
  assert.equal(result.error.errorMessage, `RequestId: ${result.requestId} Error: Task timed out after 1.00 seconds`);
  const logs = harness.logsOf(fn);
  assert.ok(logs.some((line) => new RegExp(`^\\S+Z ${result.requestId} Task timed out after 1\\.00 seconds$`).test(line)), logs.join('\n'));
  const report = logs.find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  assert.match(report ?? '', /\tDuration: 1000\.00 ms\tBilled Duration: 1000 ms\t/);
  assert.ok(report?.endsWith('\tStatus: timeout'), report);

  // RULES.md 9.2: module state starts over after a timeout, but files in the temp folder stay.
  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, {})), { count: 1, fileFromBefore: true });
});


test('memory overrun ends one environment', async () => {
  const fn = fixtureFunction('memory-hog', { handler: 'memory-hog.handler', memory: 128, timeout: 30 });
  const result = await harness.runtime.invoke(fn, { hog: true });

  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.errorType, 'Runtime.OutOfMemory');
  assert.equal(result.error.errorMessage, `RequestId: ${result.requestId} Error: Runtime exited with error: signal: killed`);
  const report = harness.logsOf(fn).find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  assert.ok(report?.endsWith('\tStatus: error\tError Type: Runtime.OutOfMemory'), report);

  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, {})), { count: 1 });
  const other = fixtureFunction('counter', { handler: 'counter.handler' });
  assert.equal(harness.runtime instanceof Object && (await harness.runtime.invoke(other, {})).ok, true);
});

test('process.exit is Runtime.ExitError', async () => {
  const fn = fixtureFunction('exits', { handler: 'exits.handler' });
  const withCode = await harness.runtime.invoke(fn, { code: 3 });
  const withoutCode = await harness.runtime.invoke(fn, { code: 0 });

  // RULES.md 9.3.
  assert.deepEqual(!withCode.ok && withCode.error, {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${withCode.requestId} Error: Runtime exited with error: exit status 3`,
  });
  assert.equal(!withoutCode.ok && withoutCode.error.errorMessage, `RequestId: ${withoutCode.requestId} Error: Runtime exited without providing a reason`);

  const alive = fixtureFunction('alive', { handler: 'exits.alive' });
  assert.equal(payloadOf(await harness.runtime.invoke(alive, {})), 'alive');
});

test('error during init fails the invocation', async () => {
  const fn = fixtureFunction('broken-init', { handler: 'broken-init.handler' });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(!result.ok && result.error.errorType, 'Error');
  assert.equal(!result.ok && result.error.errorMessage, 'configuration file missing');
  const report = harness.logsOf(fn).find((line) => line.startsWith(`REPORT RequestId: ${result.requestId}\t`));
  assert.match(report ?? '', /\tInit Duration: [\d.]+ ms\tStatus: error\tError Type: Error$/);
});

test('missing handler export is Runtime.HandlerNotFound', async () => {
  const fn = fixtureFunction('missing-export', { handler: 'counter.nothing' });
  const result = await harness.runtime.invoke(fn, {});

  assert.deepEqual(!result.ok && result.error, { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothing is undefined or not exported', trace: [] });
});

test('environment that crashes while idle is replaced', async () => {
  const fn = fixtureFunction('crashes-later', { handler: 'crashes-later.handler' });
  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, { crashLater: true })), { count: 1 });

  // The runtime logs the exception, then the worker exits.
  const crashLogged = () => harness.logsOf(fn).some((line) => line.includes('\tERROR\tUncaught Exception \t') && line.includes('late failure'));
  for (let attempt = 0; attempt < 200 && !crashLogged(); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(crashLogged(), harness.logsOf(fn).join('\n'));
  await new Promise((resolve) => setTimeout(resolve, 100));

  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, {})), { count: 1 });
});

test('unhandled rejection fails the invocation', async () => {
  const fn = fixtureFunction('rejects-unhandled', { handler: 'crashes-later.handler' });
  const result = await harness.runtime.invoke(fn, { rejectUnhandled: true });

  assert.equal(!result.ok && result.error.errorType, 'Runtime.UnhandledPromiseRejection');
  assert.equal(!result.ok && result.error.errorMessage, 'Error: nobody handles this');
  assert.deepEqual(payloadOf(await harness.runtime.invoke(fn, {})), { count: 1 });
});
