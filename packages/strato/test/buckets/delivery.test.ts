import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { S3Event } from 'aws-lambda';

import { AsyncInvoker } from '../../src/local/async/index.ts';
import { BucketNotifier, BucketStore } from '../../src/local/buckets/index.ts';
import { InProcessInvoker, OutcomeLog, functionModel } from '../async/helpers.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

test('put invokes the notified function', async (t) => {
  const stateDir = tempStateDir(t);
  const onUpload = functionModel('on-upload');
  const buckets = [bucketModel('originals', [{ functionId: onUpload.id, events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '' }])];
  const received: string[] = [];
  const invoker = new InProcessInvoker({
    [onUpload.id]: (event) => {
      const key = (event as S3Event).Records[0]!.s3.object.key;
      received.push(decodeURIComponent(key.replace(/\+/g, ' ')));
    },
  });
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: (id) => (id === onUpload.id ? onUpload : undefined), onOutcome: log.record });
  const store = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue: asyncInvoker }) });
  t.after(async () => {
    await asyncInvoker.close();
    store.close();
  });

  await store.put({ bucket: 'demo-photos-originals', key: 'in/Sunset at the lake+1.jpg', body: 'jpeg bytes' });
  await log.waitFor((o) => o.type === 'succeeded');

  assert.deepEqual(received, ['in/Sunset at the lake+1.jpg']);
});
