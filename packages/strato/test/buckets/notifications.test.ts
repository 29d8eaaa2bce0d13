import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import type { S3Event } from 'aws-lambda';

import { BucketNotifier, BucketStore, encodeEventKey, type AsyncEventQueue } from '../../src/local/buckets/index.ts';
import type { BucketNotificationModel } from '../../src/model/index.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../../../shared/samples/events');
const BUCKET = 'demo-photos-originals';

function sample(name: string): S3Event {
  return JSON.parse(readFileSync(path.join(SAMPLES, name), 'utf8')) as S3Event;
}

/** Collects what the notifier queues, in order. */
class CollectingQueue implements AsyncEventQueue {
  readonly events: { functionId: string; event: S3Event }[] = [];

  async enqueue(functionId: string, event: unknown): Promise<void> {
    this.events.push({ functionId, event: event as S3Event });
  }
}

function notification(overrides: Partial<BucketNotificationModel> = {}): BucketNotificationModel {
  return { functionId: 'photos.on-upload', events: ['s3:ObjectCreated:*'], prefix: '', suffix: '', ...overrides };
}

function setUp(t: { after(fn: () => void): void }, notifications: readonly BucketNotificationModel[]) {
  const buckets = [bucketModel('originals', notifications)];
  const queue = new CollectingQueue();
  const store = new BucketStore({ stateDir: tempStateDir(t), buckets, listener: new BucketNotifier({ buckets, queue, region: 'us-east-2' }) });
  t.after(() => store.close());
  return { store, queue };
}

/** Returns every path of keys in a JSON value, such as `s3.object.key`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

test('event keys encode as the samples', () => {
  // The samples' object.key values encode these keys: S3 form-encodes keys in event records, a space as + (S3 User Guide, Event message structure).
  assert.equal(encodeEventKey('raw/Grüne Aue (mast 3)+spare/2026-07-02 t=14:00.csv'), sample('s3-put.json').Records[0]!.s3.object.key);
  assert.equal(encodeEventKey('exports/Résumé juin+final (v2)@ops.pdf'), sample('s3-delete.json').Records[0]!.s3.object.key);
});

test('event key encoding round trips', () => {
  for (const key of ['a b', 'a+b', 'ü/ñ/日本', 'x=1&y=2', '100%', 'emoji \u{1F600}', '../up']) {
    const encoded = encodeEventKey(key);
    assert.equal(decodeURIComponent(encoded.replace(/\+/g, ' ')), key);
    assert.doesNotMatch(encoded, / /);
  }
  assert.equal(encodeEventKey('a b+c'), 'a+b%2Bc');
});

test('put event matches the sample shape', async (t) => {
  const { store, queue } = setUp(t, [notification()]);

  const info = await store.put({ bucket: BUCKET, key: 'raw/Grüne Aue.csv', body: 'a,b\n1,2\n' }, { principalId: 'AWS:STRATOLOCAL:demo-photos-upload', sourceIp: '192.0.2.58' });

  assert.equal(queue.events.length, 1);
  assert.equal(queue.events[0]!.functionId, 'photos.on-upload');
  const record = queue.events[0]!.event.Records[0]!;
  // The sample's bucket is versioned; an unversioned bucket's record has no versionId (S3 event message structure).
  const expectedPaths = keyPaths(sample('s3-put.json').Records[0]).filter((p) => p !== 's3.object.versionId');
  assert.deepEqual(keyPaths(record), expectedPaths);
  assert.equal(record.eventVersion, '2.1');
  assert.equal(record.eventSource, 'aws:s3');
  assert.equal(record.awsRegion, 'us-east-2');
  assert.equal(record.eventName, 'ObjectCreated:Put');
  assert.equal(record.eventTime, info.lastModified.toISOString());
  assert.equal(record.userIdentity.principalId, 'AWS:STRATOLOCAL:demo-photos-upload');
  assert.equal(record.requestParameters.sourceIPAddress, '192.0.2.58');
  assert.match(record.responseElements['x-amz-request-id'], /^[0-9A-Z]{16}$/);
  assert.equal(record.s3.s3SchemaVersion, '1.0');
  assert.equal(record.s3.bucket.name, BUCKET);
  assert.equal(record.s3.bucket.arn, `arn:aws:s3:::${BUCKET}`);
  assert.equal(record.s3.object.key, 'raw/Gr%C3%BCne+Aue.csv');
  assert.equal(record.s3.object.size, 8);
  // The record's eTag is the hex MD5 without the quotes of the ETag header (S3 records in LocalStack's snapshots recorded against AWS).
  assert.equal(record.s3.object.eTag, info.etag.slice(1, -1));
  assert.match(record.s3.object.sequencer, /^[0-9A-F]{18}$/);
});

test('delete event matches the sample shape', async (t) => {
  const { store, queue } = setUp(t, [notification({ events: ['s3:ObjectRemoved:*'] })]);
  await store.put({ bucket: BUCKET, key: 'exports/Résumé (v2)@ops.pdf', body: 'x' });

  await store.delete(BUCKET, 'exports/Résumé (v2)@ops.pdf');

  assert.equal(queue.events.length, 1);
  const record = queue.events[0]!.event.Records[0]!;
  // Delete records are lean: the object has only key and sequencer (S3 records in LocalStack's snapshots recorded against AWS).
  assert.deepEqual(keyPaths(record), keyPaths(sample('s3-delete.json').Records[0]));
  assert.equal(record.eventName, 'ObjectRemoved:Delete');
  assert.equal(record.s3.object.key, 'exports/R%C3%A9sum%C3%A9+%28v2%29%40ops.pdf');
});

test('filters select by event, prefix and suffix', async (t) => {
  const { store, queue } = setUp(t, [
    notification({ functionId: 'photos.jpegs', prefix: 'uploads/', suffix: '.jpg' }),
    notification({ functionId: 'photos.puts', events: ['s3:ObjectCreated:Put'] }),
    notification({ functionId: 'photos.copies', events: ['s3:ObjectCreated:Copy'] }),
    notification({ functionId: 'photos.deletes', events: ['s3:ObjectRemoved:Delete'], prefix: 'uploads/' }),
  ]);

  await store.put({ bucket: BUCKET, key: 'uploads/a.jpg', body: 'x' });
  await store.put({ bucket: BUCKET, key: 'uploads/a.png', body: 'x' });
  await store.put({ bucket: BUCKET, key: 'other/b.jpg', body: 'x' });
  await store.delete(BUCKET, 'uploads/a.jpg');
  await store.delete(BUCKET, 'uploads/never-stored.jpg');

  const delivered = queue.events.map((e) => `${e.functionId} ${decodeURIComponent(e.event.Records[0]!.s3.object.key)}`);
  assert.deepEqual(delivered, [
    'photos.jpegs uploads/a.jpg',
    'photos.puts uploads/a.jpg',
    'photos.puts uploads/a.png',
    'photos.puts other/b.jpg',
    'photos.deletes uploads/a.jpg',
    'photos.deletes uploads/never-stored.jpg',
  ]);
});

test('sequencers grow with each event', async (t) => {
  const { store, queue } = setUp(t, [notification({ events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] })]);

  await store.put({ bucket: BUCKET, key: 'k', body: '1' });
  await store.put({ bucket: BUCKET, key: 'k', body: '2' });
  await store.delete(BUCKET, 'k');

  const sequencers = queue.events.map((e) => e.event.Records[0]!.s3.object.sequencer);
  assert.deepEqual([...sequencers].sort(), sequencers);
  assert.equal(new Set(sequencers).size, 3);
});

test('unreported changes are reported after reopening', async (t) => {
  const stateDir = tempStateDir(t);
  const buckets = [bucketModel('originals', [notification({ events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] })])];
  // A queue that fails stands for a process killed after the object was stored but before its event was queued.
  const failing: AsyncEventQueue = { enqueue: async () => { throw new Error('process stopped'); } };
  const first = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue: failing }) });
  await assert.rejects(first.put({ bucket: BUCKET, key: 'stored/before crash.jpg', body: 'x' }), /process stopped/);
  await assert.rejects(first.delete(BUCKET, 'old.jpg'), /process stopped/);
  first.close();

  const queue = new CollectingQueue();
  const second = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue }) });
  t.after(() => second.close());
  await second.recovered;

  const reported = queue.events.map((e) => `${e.event.Records[0]!.eventName} ${e.event.Records[0]!.s3.object.key}`);
  assert.deepEqual(reported, ['ObjectCreated:Put stored/before+crash.jpg', 'ObjectRemoved:Delete old.jpg']);
  assert.equal(queue.events[0]!.event.Records[0]!.s3.object.size, 1);

  // Reported changes are forgotten: a third store reports nothing.
  const thirdQueue = new CollectingQueue();
  const third = new BucketStore({ stateDir, buckets, listener: new BucketNotifier({ buckets, queue: thirdQueue }) });
  t.after(() => third.close());
  await third.recovered;
  assert.equal(thirdQueue.events.length, 0);
});
