import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { AsyncInvoker } from '../../src/local/async/index.ts';
import { BucketNotifier, BucketStore } from '../../src/local/buckets/index.ts';
import { resolveApp, type AppModel } from '../../src/model/index.ts';
import { FunctionRuntime } from '../../src/runtime/index.ts';
import { OutcomeLog } from './helpers.ts';

const HANDLERS_DIR = path.join(import.meta.dirname, 'fixtures/handlers');

function fixtureApp(): AppModel {
  return resolveApp({
    name: 'fx',
    services: {
      media: {
        functions: {
          'on-upload': { handler: 'uploads.onUpload' },
          'always-fails': { handler: 'uploads.alwaysFails', async: { maxRetryAttempts: 2 } },
          'one-at-a-time': { handler: 'uploads.slow', reservedConcurrency: 1 },
        },
        buckets: {
          inbox: { notifications: [{ function: 'on-upload', events: ['s3:ObjectCreated:*'], prefix: 'in/' }] },
        },
      },
    },
  }, HANDLERS_DIR);
}

/** Starts the real runtime, the durable queue and the bucket store on a fresh state folder. */
function startParts(t: { after(fn: () => Promise<void> | void): void }) {
  const app = fixtureApp();
  // The state folder lies inside the application folder, so that packages left out of bundles resolve from its node_modules.
  mkdirSync(path.join(HANDLERS_DIR, '.strato'), { recursive: true });
  const stateDir = mkdtempSync(path.join(HANDLERS_DIR, '.strato', 'test-'));
  const logs: string[] = [];
  const runtime = new FunctionRuntime({ stateDir, onLog: (_id, line) => logs.push(line) });
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({
    stateDir,
    invoker: runtime,
    getFunction: (id) => app.functions.find((fn) => fn.id === id),
    retryDelaysMs: [10, 10],
    throttleBackoffMs: 20,
    onOutcome: log.record,
  });
  const store = new BucketStore({ stateDir, buckets: app.buckets, listener: new BucketNotifier({ buckets: app.buckets, queue: asyncInvoker }) });
  t.after(async () => {
    await asyncInvoker.close();
    await runtime.close();
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { app, asyncInvoker, store, log, logs };
}

test('bucket event runs the real handler', async (t) => {
  const { app, store, log } = startParts(t);

  await store.put({ bucket: app.buckets[0]!.physicalName, key: 'in/Beach day (1).jpg', body: 'jpeg' });
  const outcome = await log.waitFor((o) => o.type === 'succeeded');

  assert.equal(outcome.type, 'succeeded');
  const result = outcome.type === 'succeeded' ? outcome.result as { key: string; requestId: string } : undefined;
  assert.equal(result?.key, 'in/Beach day (1).jpg');
  // The handler's context.awsRequestId is the event's request id.
  assert.equal(result?.requestId, outcome.requestId);
});

test('real handler errors retry with one request id', async (t) => {
  const { asyncInvoker, log, logs } = startParts(t);

  const { requestId } = await asyncInvoker.enqueue('media.always-fails', { job: 1 });
  await log.waitFor((o) => o.type === 'failed');

  const failed = asyncInvoker.listFailed();
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.attempts, 3);
  assert.equal(failed[0]!.error.errorType, 'Error');
  assert.equal(failed[0]!.error.errorMessage, `cannot process request ${requestId}`);
  // Every attempt logs a START line with the same request id.
  assert.equal(logs.filter((line) => line.startsWith(`START RequestId: ${requestId}`)).length, 3);
});

test('throttled events wait for concurrency', async (t) => {
  const { asyncInvoker, log } = startParts(t);

  for (let n = 0; n < 3; n++) await asyncInvoker.enqueue('media.one-at-a-time', { n });
  await log.waitFor(() => log.outcomes.filter((o) => o.type === 'succeeded').length === 3);

  // Reserved concurrency 1 throttles the others (TooManyRequestsException); Lambda retries throttles without counting attempts.
  assert.ok(log.outcomes.some((o) => o.type === 'retrying' && o.reason === 'Throttled'));
  for (const outcome of log.outcomes.filter((o) => o.type === 'succeeded')) assert.equal(outcome.attempts, 1);
  assert.deepEqual(asyncInvoker.listFailed(), []);
});
