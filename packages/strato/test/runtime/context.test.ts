import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

const harness = startRuntime({ region: 'us-east-2', accountId: '123456789012' });
after(() => harness.close());

interface EchoPayload {
  event: unknown;
  context: Record<string, unknown> & { remainingMs: number };
}

test('context carries every Lambda field', async () => {
  const fn = fixtureFunction('echo', { handler: 'echo.handler', memory: 512, timeout: 10 });
  const result = await harness.runtime.invoke(fn, { station: 'wx-7' });
  const { event, context } = payloadOf(result) as EchoPayload;

  // Field names and formats: RULES.md section 8 (Lambda guide, nodejs-context).
  assert.deepEqual(event, { station: 'wx-7' });
  assert.equal(context.awsRequestId, result.requestId);
  assert.equal(context.functionName, 'fx-handlers-echo');
  assert.equal(context.functionVersion, '$LATEST');
  assert.equal(context.invokedFunctionArn, 'arn:aws:lambda:us-east-2:123456789012:function:fx-handlers-echo');
  assert.equal(context.memoryLimitInMB, '512');
  assert.equal(context.logGroupName, '/aws/lambda/fx-handlers-echo');
  assert.match(String(context.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(context.callbackWaitsForEmptyEventLoop, true);
  assert.ok(context.remainingMs > 9000, `remaining ${context.remainingMs} ms`);
  assert.ok(context.remainingMs <= 10000, `remaining ${context.remainingMs} ms`);
});

test('request id is reused when given', async () => {
  const fn = fixtureFunction('echo', { handler: 'echo.handler' });
  const requestId = '51f9c3e7-0d4b-4a2f-8e6c-b1d3f5a7c9e2';
  const result = await harness.runtime.invoke(fn, {}, { requestId });

  assert.equal(result.requestId, requestId);
  assert.equal((payloadOf(result) as EchoPayload).context.awsRequestId, requestId);
});

test('warm environment keeps module state', async () => {
  const fn = fixtureFunction('counter', { handler: 'counter.handler' });
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((payloadOf(await harness.runtime.invoke(fn, {})) as { count: number }).count);

  assert.deepEqual(counts, [1, 2, 3]);
});

test('callback handler answers through the callback', async () => {
  const fn = fixtureFunction('callback', { handler: 'callback.handler' });
  const result = await harness.runtime.invoke(fn, { value: 42 });

  assert.deepEqual(payloadOf(result), { style: 'callback', value: 42 });
});

test('callback error becomes the function error', async () => {
  const fn = fixtureFunction('callback-fails', { handler: 'callback.fails' });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.error.errorType, 'TypeError');
  assert.equal(!result.ok && result.error.errorMessage, 'callback failure');
});

test('callback answer waits for an empty event loop', async () => {
  const fn = fixtureFunction('callback-waits', { handler: 'callback.waits' });
  const result = await harness.runtime.invoke(fn, {});

  // The result object is serialized after the pending timer ran.
  assert.deepEqual(payloadOf(result), { timerDone: true });
});

test('callback answer is immediate without waiting', async () => {
  const fn = fixtureFunction('callback-no-wait', { handler: 'callback.doesNotWait' });
  const result = await harness.runtime.invoke(fn, {});

  assert.deepEqual(payloadOf(result), { timerDone: false });
});
