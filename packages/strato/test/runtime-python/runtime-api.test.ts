/**
 * The Runtime API server alone, driven over HTTP as a runtime interface
 * client drives it, without a runtime process.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { RuntimeApiServer, type RuntimeResult } from '../../src/runtime/process/index.ts';

interface Recorded {
  ready: number;
  results: { requestId: string; result: RuntimeResult }[];
  initErrors: string[];
}

async function startServer(t: TestContext): Promise<{ server: RuntimeApiServer; base: string; recorded: Recorded }> {
  const recorded: Recorded = { ready: 0, results: [], initErrors: [] };
  const server = new RuntimeApiServer({
    onReady: () => recorded.ready++,
    onResult: (requestId, result) => recorded.results.push({ requestId, result }),
    onInitError: (body) => recorded.initErrors.push(body),
  });
  const address = await server.listen();
  t.after(() => server.close());
  return { server, base: `http://${address}/2018-06-01/runtime`, recorded };
}

const invocation = {
  requestId: '8476a536-e9f4-11e8-9739-2dfe598c3fcd',
  eventJson: '{"station":"wx-7"}',
  deadlineMs: 1_542_409_706_888,
  invokedFunctionArn: 'arn:aws:lambda:us-east-2:123456789012:function:custom-runtime',
  traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
};

test('next returns the event with its headers', async (t) => {
  const { server, base, recorded } = await startServer(t);

  const polling = fetch(`${base}/invocation/next`);
  server.deliver(invocation);
  const response = await polling;

  // Response headers of invocation/next (Lambda runtime API reference).
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('lambda-runtime-aws-request-id'), invocation.requestId);
  assert.equal(response.headers.get('lambda-runtime-deadline-ms'), '1542409706888');
  assert.equal(response.headers.get('lambda-runtime-invoked-function-arn'), invocation.invokedFunctionArn);
  assert.equal(response.headers.get('lambda-runtime-trace-id'), invocation.traceId);
  assert.equal(await response.text(), invocation.eventJson);
  assert.equal(recorded.ready, 1);
});

test('invocation queued before the poll is delivered', async (t) => {
  const { server, base } = await startServer(t);

  server.deliver(invocation);
  const response = await fetch(`${base}/invocation/next`);

  assert.equal(response.headers.get('lambda-runtime-aws-request-id'), invocation.requestId);
});

test('response is accepted with 202', async (t) => {
  const { server, base, recorded } = await startServer(t);
  server.deliver(invocation);
  await (await fetch(`${base}/invocation/next`)).text();

  const response = await fetch(`${base}/invocation/${invocation.requestId}/response`, { method: 'POST', body: '{"ok":true}' });

  assert.equal(response.status, 202);
  assert.deepEqual(await response.json(), { status: 'OK' });
  assert.deepEqual(recorded.results, [{ requestId: invocation.requestId, result: { type: 'response', body: '{"ok":true}' } }]);
});

test('error is accepted with its type header', async (t) => {
  const { server, base, recorded } = await startServer(t);
  server.deliver(invocation);
  await (await fetch(`${base}/invocation/next`)).text();
  const body = JSON.stringify({ errorMessage: 'disk full', errorType: 'OSError' });

  const response = await fetch(`${base}/invocation/${invocation.requestId}/error`, { method: 'POST', body, headers: { 'Lambda-Runtime-Function-Error-Type': 'OSError' } });

  assert.equal(response.status, 202);
  assert.deepEqual(recorded.results, [{ requestId: invocation.requestId, result: { type: 'error', body, errorType: 'OSError' } }]);
});

test('unknown request id gets 400', async (t) => {
  const { server, base, recorded } = await startServer(t);
  server.deliver(invocation);
  await (await fetch(`${base}/invocation/next`)).text();

  const response = await fetch(`${base}/invocation/not-the-current-id/response`, { method: 'POST', body: '{}' });

  assert.equal(response.status, 400);
  assert.equal((await response.json() as { errorType: string }).errorType, 'InvalidRequestID');
  assert.deepEqual(recorded.results, []);
});

test('init error is accepted before the first poll only', async (t) => {
  const { server, base, recorded } = await startServer(t);
  const body = JSON.stringify({ errorMessage: "Unable to import module 'app'", errorType: 'Runtime.ImportModuleError' });

  const first = await fetch(`${base}/init/error`, { method: 'POST', body });
  server.deliver(invocation);
  await (await fetch(`${base}/invocation/next`)).text();
  const late = await fetch(`${base}/init/error`, { method: 'POST', body });

  assert.equal(first.status, 202);
  assert.deepEqual(recorded.initErrors, [body]);
  assert.equal(late.status, 403);
  assert.equal((await late.json() as { errorType: string }).errorType, 'InvalidStateTransition');
});

test('unknown path gets 404', async (t) => {
  const { base } = await startServer(t);

  const response = await fetch(`${base}/invocation/extra/path/here`);

  assert.equal(response.status, 404);
});

test('resource call runs on the caller and reports errors', async (t) => {
  const calls: unknown[] = [];
  const server = new RuntimeApiServer({
    onReady: () => {},
    onResult: () => {},
    onInitError: () => {},
    onResourceCall: async (call) => {
      calls.push(call);
      if (call.op === 'get') return { item: { id: 'a', raw: new Uint8Array([0, 255]) } };
      throw Object.assign(new Error('User is not authorized to perform: dynamodb:PutItem'), { name: 'AccessDeniedException' });
    },
  });
  const address = await server.listen();
  t.after(() => server.close());
  const post = (body: string) => fetch(`http://${address}/strato/resource`, { method: 'POST', body });

  const got = await post(JSON.stringify({ kind: 'table', resource: 'fx-items', op: 'get', input: { key: { id: 'a' } } }));
  const denied = await post(JSON.stringify({ kind: 'table', resource: 'fx-items', op: 'put', input: { item: { raw: { $bytes: 'AP8=' } } } }));
  const invalid = await post(JSON.stringify({ kind: 'printer', resource: 'fx-items', op: 'get' }));

  assert.equal(got.status, 200);
  assert.deepEqual(await got.json(), { item: { id: 'a', raw: { $bytes: 'AP8=' } } });
  assert.equal(denied.status, 400);
  assert.deepEqual(await denied.json(), { name: 'AccessDeniedException', message: 'User is not authorized to perform: dynamodb:PutItem' });
  assert.deepEqual((calls[1] as { input: unknown }).input, { item: { raw: new Uint8Array([0, 255]) } });
  assert.equal(invalid.status, 400);
  assert.equal((await invalid.json() as { name: string }).name, 'ValidationException');
  assert.equal(calls.length, 2);
});
