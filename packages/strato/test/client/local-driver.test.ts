import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { bucket, table, type Key } from '../../src/client/index.ts';
import { recordingPresigner, openLocalStores } from './app-fixture.ts';
import { installChannel } from './channel-fixture.ts';

// Installed before the first client call, because the driver is chosen once per process.
const channel = installChannel();

/** Points the channel at new stores and acts as `photos.writer`, which links `photos`, `scores` and `originals`. */
function setUp(t: TestContext): void {
  const { app, router } = openLocalStores(t);
  channel.useRouter(router, app);
  channel.actAs('photos.writer');
}

/** Returns the error a promise rejects with, failing the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected the call to fail');
}

interface Photo {
  readonly owner: string;
  readonly id: string;
  readonly status: 'pending' | 'ready';
  readonly width?: number;
}

test('table client writes and reads items', async (t) => {
  setUp(t);
  const photos = table<Photo>('photos');

  await photos.put({ owner: 'o', id: 'p1', status: 'pending' }, { ifNotExists: true });
  const updated = await photos.update({ owner: 'o', id: 'p1' }, { status: 'ready', width: 640 }, { ifExists: true });
  const read = await photos.get({ owner: 'o', id: 'p1' });
  const deleted = await photos.delete({ owner: 'o', id: 'p1' });
  const afterDelete = await photos.get({ owner: 'o', id: 'p1' });

  assert.equal(photos.name, 'demo-photos-photos');
  assert.deepEqual(updated, { owner: 'o', id: 'p1', status: 'ready', width: 640 });
  assert.deepEqual(read, updated);
  assert.deepEqual(deleted, updated);
  assert.equal(afterDelete, undefined);
});

test('table conditions throw AWS errors', async (t) => {
  setUp(t);
  const photos = table<Photo>('photos');
  await photos.put({ owner: 'o', id: 'p1', status: 'pending' });

  const exists = await rejectionOf(photos.put({ owner: 'o', id: 'p1', status: 'ready' }, { ifNotExists: true }));
  const stale = await rejectionOf(photos.update({ owner: 'o', id: 'p1' }, { status: 'ready' }, { ifEquals: { status: 'ready' } }));

  assert.ok(exists instanceof Error);
  assert.equal(exists.name, 'ConditionalCheckFailedException');
  assert.equal(stale.name, 'ConditionalCheckFailedException');
  assert.equal((await photos.get({ owner: 'o', id: 'p1' }))?.status, 'pending');
});

test('table query pages through a partition', async (t) => {
  setUp(t);
  const scores = table<{ game: string; score: number }>('scores');
  for (const score of [5, 40, 3, 12, 100]) await scores.put({ game: 'g', score });

  const seen: number[] = [];
  let startKey: Key | undefined;
  do {
    const page = await scores.query({ partition: 'g', sort: { gte: 4 }, descending: true, limit: 2, startKey });
    seen.push(...page.items.map((item) => item.score));
    startKey = page.lastKey;
  } while (startKey);

  assert.deepEqual(seen, [100, 40, 12, 5]);
});

test('table validation keeps the AWS name', async (t) => {
  setUp(t);
  const photos = table('photos');

  const error = await rejectionOf(photos.put({ owner: 'o' }));

  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'One or more parameter values were invalid: Missing the key id in the item');
});

test('bucket client stores and reads objects', async (t) => {
  setUp(t);
  const originals = bucket('originals');

  const stored = await originals.put('docs/a.txt', 'héllo', { contentType: 'text/plain', metadata: { Owner: 'ada' } });
  const object = await originals.get('docs/a.txt');
  const info = await originals.head('docs/a.txt');

  assert.equal(stored.size, 6);
  assert.equal(object.text(), 'héllo');
  assert.ok(object.body instanceof Uint8Array);
  assert.equal(object.contentType, 'text/plain');
  // S3 returns user metadata names in lower case.
  assert.deepEqual(object.metadata, { owner: 'ada' });
  assert.equal(object.etag, stored.etag);
  assert.ok(object.lastModified instanceof Date);
  assert.equal(info?.size, 6);
});

test('bucket client stores bytes as given', async (t) => {
  setUp(t);
  const originals = bucket('originals');
  const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);

  await originals.put('bin', bytes);
  const object = await originals.get('bin');

  assert.deepEqual([...object.body], [...bytes]);
  assert.equal(object.contentType, 'binary/octet-stream');
});

test('missing object throws NoSuchKey', async (t) => {
  setUp(t);
  const originals = bucket('originals');

  const error = await rejectionOf(originals.get('nothing-here'));
  const info = await originals.head('nothing-here');

  assert.equal(error.name, 'NoSuchKey');
  assert.equal(info, undefined);
});

test('bucket client lists and deletes', async (t) => {
  setUp(t);
  const originals = bucket('originals');
  for (const key of ['a/1', 'a/2', 'a/3', 'b/1']) await originals.put(key, key);

  const first = await originals.list({ prefix: 'a/', maxKeys: 2 });
  const second = await originals.list({ prefix: 'a/', maxKeys: 2, continuationToken: first.nextContinuationToken });
  await originals.delete('a/1');
  const after = await originals.list({ prefix: 'a/' });

  assert.deepEqual(first.objects.map((object) => object.key), ['a/1', 'a/2']);
  assert.equal(first.isTruncated, true);
  assert.deepEqual(second.objects.map((object) => object.key), ['a/3']);
  assert.equal(second.isTruncated, false);
  assert.deepEqual(after.objects.map((object) => object.key), ['a/2', 'a/3']);
});

test('presigned URLs come from the presigner', async (t) => {
  setUp(t);
  const originals = bucket('originals');

  const url = await originals.presignPut('uploads/x', { expiresIn: 60, contentType: 'image/jpeg' });

  assert.equal(url, await recordingPresigner.presign({ bucket: 'demo-photos-originals', key: 'uploads/x', method: 'PUT', expiresIn: 60, contentType: 'image/jpeg' }));
});

test('unlinked resources get AccessDenied', async (t) => {
  setUp(t);
  channel.actAs('photos.reader');
  const originals = bucket('originals');
  const scores = table('scores');

  const bucketError = await rejectionOf(originals.put('a', 'b'));
  const tableError = await rejectionOf(scores.get({ game: 'g', score: 1 }));

  // Without the link, the environment has no STRATO_BUCKET_ORIGINALS, so the client sends the name as written.
  assert.equal(originals.name, 'originals');
  assert.equal(bucketError.name, 'AccessDenied');
  assert.match(bucketError.message, /demo-photos-reader is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::originals\/a"/);
  assert.equal(tableError.name, 'AccessDeniedException');
  assert.match(tableError.message, /dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/scores /);
});

test('another service table is denied', async (t) => {
  setUp(t);
  process.env.STRATO_TABLE_PROFILES = 'demo-users-profiles';
  const profiles = table('profiles');

  const error = await rejectionOf(profiles.get({ id: 'u1' }));

  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /table\/demo-users-profiles /);
  delete process.env.STRATO_TABLE_PROFILES;
});

test('client rejects conflicting conditions', async (t) => {
  setUp(t);
  const photos = table<Photo>('photos');

  const both = await rejectionOf(photos.put({ owner: 'o', id: 'p', status: 'ready' }, { ifExists: true, ifNotExists: true }));
  const twoAttributes = await rejectionOf(photos.put({ owner: 'o', id: 'p', status: 'ready' }, { ifEquals: { status: 'ready', width: 1 } }));

  assert.equal(both.name, 'TypeError');
  assert.equal(twoAttributes.name, 'TypeError');
});
