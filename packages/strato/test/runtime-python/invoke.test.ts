/**
 * Python functions through the local Lambda Runtime API: the stdlib-only
 * bootstrap in a python3 process, started and pooled by the real runtime.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { fixtureFunctions, payloadOf, pythonFunction, startRuntime } from './helpers.ts';

const harness = startRuntime({ region: 'us-east-2', accountId: '123456789012' });
after(() => harness.close());

interface EchoPayload {
  event: unknown;
  context: Record<string, unknown> & { remaining_ms: number };
  environment: Record<string, string | null>;
}

test('event goes in and result comes out', async () => {
  const fn = pythonFunction('echo');

  const payload = payloadOf(await harness.runtime.invoke(fn, { station: 'wx-7', readings: [1.5, 2] })) as EchoPayload;

  assert.deepEqual(payload.event, { station: 'wx-7', readings: [1.5, 2] });
});

test('context has Python attribute names', async () => {
  const fn = pythonFunction('echo', { memory: 512, timeout: 10 });
  const result = await harness.runtime.invoke(fn, {});
  const { context } = payloadOf(result) as EchoPayload;

  // Attribute names and formats: RULES.md section 8 (Lambda guide, python-context).
  assert.equal(context.aws_request_id, result.requestId);
  assert.equal(context.function_name, 'fx-py-echo');
  assert.equal(context.function_version, '$LATEST');
  assert.equal(context.invoked_function_arn, 'arn:aws:lambda:us-east-2:123456789012:function:fx-py-echo');
  assert.equal(context.memory_limit_in_mb, '512');
  assert.equal(context.log_group_name, '/aws/lambda/fx-py-echo');
  assert.match(String(context.log_stream_name), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(context.client_context, null);
  assert.equal(context.cognito_identity_id, null);
  assert.ok(context.remaining_ms > 9000, `remaining ${context.remaining_ms} ms`);
  assert.ok(context.remaining_ms <= 10000, `remaining ${context.remaining_ms} ms`);
});

test('environment has the Lambda variables', async () => {
  const fn = pythonFunction('echo', { environment: { STRATO_TABLE_READINGS: 'fx-py-readings' } });

  const { environment } = payloadOf(await harness.runtime.invoke(fn, {})) as EchoPayload;

  // Runtime environment variables: RULES.md section 8, rule 6.
  assert.equal(environment.AWS_LAMBDA_FUNCTION_NAME, 'fx-py-echo');
  assert.equal(environment.AWS_EXECUTION_ENV, 'AWS_Lambda_python3.12');
  assert.equal(environment._HANDLER, 'handlers.echo');
  assert.match(String(environment.AWS_LAMBDA_RUNTIME_API), /^127\.0\.0\.1:\d+$/);
  assert.match(String(environment._X_AMZN_TRACE_ID), /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  assert.equal(environment.STRATO_TABLE_READINGS, 'fx-py-readings');
});

test('warm environment keeps module state', async () => {
  const fn = pythonFunction('count');

  const counts = [];
  for (let i = 0; i < 3; i++) counts.push(payloadOf(await harness.runtime.invoke(fn, {})));

  // Module-level state survives between invocations that reuse an environment: RULES.md section 8, rule 7.
  assert.deepEqual(counts, [{ invocations: 1 }, { invocations: 2 }, { invocations: 3 }]);
});

test('handler imports modules from the task root', async () => {
  const fn = pythonFunction('talk');

  assert.equal(payloadOf(await harness.runtime.invoke(fn, { name: 'ada' })), 'hello ada');
});

test('Node and Python functions run side by side', async () => {
  const { node, python } = fixtureFunctions({
    node: { handler: 'node/echo.handler', timeout: 10 },
    python: { handler: 'handlers.echo', runtime: 'python3.12', timeout: 10 },
  });

  const [nodeResult, pythonResult] = await Promise.all([harness.runtime.invoke(node, { n: 1 }), harness.runtime.invoke(python, { n: 2 })]);

  assert.deepEqual(payloadOf(nodeResult), { event: { n: 1 }, functionName: 'fx-py-node' });
  assert.deepEqual((payloadOf(pythonResult) as EchoPayload).event, { n: 2 });
  assert.equal((payloadOf(pythonResult) as EchoPayload).context.function_name, 'fx-py-python');
});

test('concurrent invocations get separate environments', async () => {
  const fn = pythonFunction('process_id');

  const results = await Promise.all([harness.runtime.invoke(fn, { seconds: 0.2 }), harness.runtime.invoke(fn, { seconds: 0.2 })]);

  // An execution environment handles one invocation at a time: RULES.md section 8, rule 7.
  const [first, second] = results.map((result) => (payloadOf(result) as { pid: number }).pid);
  assert.notEqual(first, second);
});
