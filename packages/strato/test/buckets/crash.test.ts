import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

import type { S3Event } from 'aws-lambda';

import { AsyncInvoker } from '../../src/local/async/index.ts';
import { BucketNotifier, BucketStore } from '../../src/local/buckets/index.ts';
import { InProcessInvoker, OutcomeLog, functionModel } from '../async/helpers.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

const BUCKET = 'demo-photos-originals';

test('every stored object gets its event after SIGKILL', async (t) => {
  const stateDir = tempStateDir(t);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/put-until-killed.ts'), stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));

  const acked: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    acked.push(line.slice('acked '.length));
    if (acked.length >= 40) {
      child.kill('SIGKILL');
      break;
    }
  }
  await new Promise((resolve) => child.once('exit', resolve));

  // Restart: a new store and queue on the same state folder, with a handler that records keys.
  const onUpload = functionModel('on-upload');
  const buckets = [bucketModel('originals', [{ functionId: onUpload.id, events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' }])];
  const delivered = new Set<string>();
  const invoker = new InProcessInvoker({
    [onUpload.id]: (event) => { delivered.add(decodeURIComponent((event as S3Event).Records[0]!.s3.object.key)); },
  });
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: () => onUpload, onOutcome: log.record });
  const store = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue: asyncInvoker }) });
  t.after(async () => {
    await asyncInvoker.close();
    store.close();
  });
  await store.recovered;

  const stored = store.list({ bucket: BUCKET }).contents.map((o) => o.key);
  await log.waitFor(() => stored.every((key) => delivered.has(key)));

  // Nothing acknowledged is lost, and no object is stored without its event.
  for (const key of acked) assert.ok(stored.includes(key), `${key} was acknowledged but is not stored`);
  for (const key of stored) assert.ok(delivered.has(key), `${key} is stored but its event was not delivered`);
  assert.equal(asyncInvoker.listFailed().length, 0);
});
