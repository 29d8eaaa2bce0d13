import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';

import { LOCAL_CREDENTIALS } from '../../src/runtime/index.ts';
import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

const harness = startRuntime({ region: 'eu-west-1' });
after(() => harness.close());

interface EnvironmentPayload {
  env: Record<string, string>;
  tmpdir: string;
  previous: string | null;
}

async function environmentOf(name: string, event: object = {}, settings: { environment?: Record<string, string>; memory?: number } = {}) {
  const fn = fixtureFunction(name, { handler: 'environment.handler', ...settings });
  return payloadOf(await harness.runtime.invoke(fn, event)) as EnvironmentPayload;
}

test('runtime variables are Lambda\'s', async () => {
  const { env } = await environmentOf('reader', {}, { memory: 256 });

  // RULES.md 8.6: the runtime variables Lambda sets.
  assert.equal(env.AWS_REGION, 'eu-west-1');
  assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
  assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'fx-handlers-reader');
  assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
  assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/fx-handlers-reader');
  assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME!, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
  assert.equal(env._HANDLER, 'index.handler');
  assert.equal(env.TZ, ':UTC');
  assert.equal(env.LANG, 'en_US.UTF-8');
  assert.ok(env.LAMBDA_TASK_ROOT);
  assert.ok(env.LAMBDA_RUNTIME_DIR);
  assert.equal(env.AWS_ACCESS_KEY_ID, LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID);
  assert.equal(env.AWS_SECRET_ACCESS_KEY, LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  assert.equal(env.AWS_SESSION_TOKEN, LOCAL_CREDENTIALS.AWS_SESSION_TOKEN);
});

test('host variables do not leak in', async () => {
  process.env.STRATO_HOST_ONLY_SECRET = 'host value';
  try {
    const { env } = await environmentOf('leak-check');

    // RULES.md 8.6: the host machine's environment must not leak into the function.
    assert.equal(env.STRATO_HOST_ONLY_SECRET, undefined);
    assert.equal(env.HOME, undefined);
    assert.equal(env.NODE_OPTIONS, undefined);
  } finally {
    delete process.env.STRATO_HOST_ONLY_SECRET;
  }
});

test('each function sees only its own variables', async () => {
  const first = await environmentOf('first', {}, { environment: { STAGE: 'one', ONLY_FIRST: 'yes' } });
  const second = await environmentOf('second', {}, { environment: { STAGE: 'two' } });

  assert.equal(first.env.STAGE, 'one');
  assert.equal(second.env.STAGE, 'two');
  assert.equal(second.env.ONLY_FIRST, undefined);
});

test('function variables cannot replace reserved ones', async () => {
  const { env } = await environmentOf('reserved', {}, { environment: { AWS_REGION: 'mars-north-1' } });

  assert.equal(env.AWS_REGION, 'eu-west-1');
});

test('each environment has its own temp folder', async () => {
  const fn = fixtureFunction('temp', { handler: 'environment.handler' });
  const [first, second] = await Promise.all([
    harness.runtime.invoke(fn, { write: 'first' }),
    harness.runtime.invoke(fn, { write: 'second' }),
  ]).then((results) => results.map((result) => payloadOf(result) as EnvironmentPayload));

  assert.notEqual(first!.tmpdir, second!.tmpdir);
  assert.ok(first!.tmpdir.startsWith(path.join(harness.stateDir, 'tmp')), first!.tmpdir);
  assert.equal(first!.env.TMPDIR, first!.tmpdir);
  assert.equal(first!.env.TMP, first!.tmpdir);
  assert.equal(first!.env.TEMP, first!.tmpdir);

  // A warm environment finds what it wrote before.
  const again = payloadOf(await harness.runtime.invoke(fn, {})) as EnvironmentPayload;
  assert.ok(again.previous === 'first' || again.previous === 'second', String(again.previous));
});
