import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { AsyncInvoker, createFunctionInvokeHandler } from '../../src/local/async/index.ts';
import { BucketStore } from '../../src/local/buckets/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { InProcessInvoker, OutcomeLog, tempStateDir } from './helpers.ts';

const app = resolveApp({
  name: 'demo',
  services: {
    jobs: {
      functions: {
        starter: { handler: 'uploads.onUpload', links: ['worker'] },
        worker: { handler: 'uploads.onUpload' },
        loner: { handler: 'uploads.onUpload' },
      },
    },
  },
}, path.join(import.meta.dirname, 'fixtures/handlers'));

const worker = app.functions.find((fn) => fn.name === 'worker')!;

function setUp(t: { after(fn: () => Promise<void> | void): void }) {
  const stateDir = tempStateDir(t);
  const invoker = new InProcessInvoker({ 'jobs.worker': (event) => event });
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: (id) => app.functions.find((fn) => fn.id === id), onOutcome: log.record });
  const buckets = new BucketStore({ stateDir, buckets: app.buckets });
  const tables = createTableStore({ stateDir, tables: app.tables });
  const router = createResourceRouter({
    app,
    buckets,
    tables,
    handlers: { function: createFunctionInvokeHandler({ queue: asyncInvoker, getFunctionByName: (name) => app.functions.find((fn) => fn.physicalName === name) }) },
  });
  t.after(async () => {
    await asyncInvoker.close();
    buckets.close();
    tables.close();
  });
  return { router, invoker, log };
}

test('linked function is invoked asynchronously', async (t) => {
  const { router, invoker, log } = setUp(t);

  const output = await router.handle('jobs.starter', { id: 1, kind: 'function', resource: worker.physicalName, op: 'invokeAsync', input: { payload: { job: 7 } } });
  await log.waitFor((o) => o.type === 'succeeded');

  // Invoke with InvocationType Event returns 202 (Lambda Invoke API reference).
  assert.equal((output as { statusCode: number }).statusCode, 202);
  assert.deepEqual(invoker.calls.map((c) => [c.functionId, c.event, c.requestId]), [['jobs.worker', { job: 7 }, (output as { requestId: string }).requestId]]);
});

test('unlinked function gets AccessDeniedException', async (t) => {
  const { router, invoker } = setUp(t);

  await assert.rejects(
    router.handle('jobs.loner', { id: 1, kind: 'function', resource: worker.physicalName, op: 'invokeAsync', input: { payload: {} } }),
    (error: Error) => error.name === 'AccessDeniedException' && error.message.includes('lambda:InvokeFunction'),
  );
  assert.equal(invoker.calls.length, 0);
});

test('oversized payload is rejected', async (t) => {
  const { router } = setUp(t);

  await assert.rejects(
    router.handle('jobs.starter', { id: 1, kind: 'function', resource: worker.physicalName, op: 'invokeAsync', input: { payload: 'x'.repeat(1_048_577) } }),
    { name: 'RequestEntityTooLargeException' },
  );
});
