/**
 * The clients inside real execution environments: handler fixtures bundled
 * with esbuild and run in worker threads by the function runtime, calling
 * the real router over the environment's channel.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import type { AppModel } from '../../src/model/index.ts';
import { FunctionRuntime, type InvokeResult } from '../../src/runtime/index.ts';
import { fixtureApp, openLocalStores } from './app-fixture.ts';

/** Starts a runtime whose environments call a router over real stores, stopped when the test ends. */
function startCloud(t: TestContext): { app: AppModel; runtime: FunctionRuntime } {
  const app = fixtureApp({ writer: 'handlers/writer.handler', reader: 'handlers/reader.handler' });
  const { router } = openLocalStores(t, app);
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-client-runtime-'));
  const runtime = new FunctionRuntime({ stateDir, router });
  t.after(async () => {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { app, runtime };
}

function payloadOf(result: InvokeResult): Record<string, unknown> {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.payload as Record<string, unknown>;
}

const functionOf = (app: AppModel, id: string) => app.functions.find((fn) => fn.id === id)!;

test('handler uses its linked resources', async (t) => {
  const { app, runtime } = startCloud(t);

  const payload = payloadOf(await runtime.invoke(functionOf(app, 'photos.writer'), { id: 'p1' }));

  assert.deepEqual(payload.conditionError, { name: 'ConditionalCheckFailedException', isError: true });
  assert.deepEqual(payload.updated, { owner: 'o', id: 'p1', status: 'ready' });
  assert.deepEqual(payload.queried, ['p1']);
  assert.deepEqual(payload.object, { bytes: [1, 2, 3], contentType: 'image/png', size: 3, isDate: true });
  assert.equal(payload.missing, null);
  assert.match(String(payload.uploadUrl), /^http:\/\/127\.0\.0\.1\/presigned\/PUT\/demo-photos-originals\/uploads\/p1\?/);
});

test('handler gets AccessDenied for unlinked resources', async (t) => {
  const { app, runtime } = startCloud(t);

  const payload = payloadOf(await runtime.invoke(functionOf(app, 'photos.reader'), {})) as Record<string, { name: string; message: string; isError: boolean }>;

  assert.equal(payload.table?.name, 'AccessDeniedException');
  assert.equal(payload.table?.isError, true);
  assert.match(payload.table!.message, /assumed-role\/demo-photos-reader-role\/demo-photos-reader is not authorized to perform: dynamodb:PutItem/);
  assert.equal(payload.bucket?.name, 'AccessDenied');
  assert.match(payload.bucket!.message, /s3:GetObject on resource: "arn:aws:s3:::originals\/uploads\/anything"/);
});
