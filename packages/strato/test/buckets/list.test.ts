import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BucketStore } from '../../src/local/buckets/index.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

const BUCKET = 'demo-photos-originals';

async function storeWith(t: { after(fn: () => void): void }, keys: readonly string[]): Promise<BucketStore> {
  const store = new BucketStore({ stateDir: tempStateDir(t), buckets: [bucketModel('originals')] });
  t.after(() => store.close());
  await Promise.all(keys.map((key) => store.put({ bucket: BUCKET, key, body: key })));
  return store;
}

function utf8Order(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

test('list sorts keys in UTF-8 binary order', async (t) => {
  // UTF-16 order would put U+FF5E before U+1F600 (a surrogate pair); UTF-8 binary order puts it after.
  const keys = ['b', 'a', 'A', 'é', '\u{1F600}', '\uFF5E', 'a/b', 'a-b', 'a0'];
  const store = await storeWith(t, keys);

  const listed = store.list({ bucket: BUCKET }).contents.map((o) => o.key);

  assert.deepEqual(listed, utf8Order(keys));
  assert.ok(listed.indexOf('\uFF5E') < listed.indexOf('\u{1F600}'));
});

test('list pages with continuation tokens', async (t) => {
  const keys = Array.from({ length: 25 }, (_, i) => `photo-${String(i).padStart(3, '0')}`);
  const store = await storeWith(t, keys);

  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const page = store.list({ bucket: BUCKET, maxKeys: 10, continuationToken: token });
    pages.push(page.contents.map((o) => o.key));
    assert.equal(page.keyCount, page.contents.length);
    token = page.nextContinuationToken;
    assert.equal(page.isTruncated, token !== undefined);
  } while (token);

  assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
  assert.deepEqual(pages.flat(), keys);
});

test('list default page is 1000 keys', async (t) => {
  const keys = Array.from({ length: 1001 }, (_, i) => `k${String(i).padStart(4, '0')}`);
  const store = await storeWith(t, keys);

  const first = store.list({ bucket: BUCKET, maxKeys: 5000 });
  const second = store.list({ bucket: BUCKET, continuationToken: first.nextContinuationToken });

  assert.equal(first.contents.length, 1000);
  assert.equal(first.isTruncated, true);
  assert.deepEqual(second.contents.map((o) => o.key), ['k1000']);
  assert.equal(second.isTruncated, false);
});

test('list filters by prefix and start after', async (t) => {
  const store = await storeWith(t, ['in/a', 'in/b', 'in/c', 'inbox', 'out/a']);

  assert.deepEqual(store.list({ bucket: BUCKET, prefix: 'in/' }).contents.map((o) => o.key), ['in/a', 'in/b', 'in/c']);
  assert.deepEqual(store.list({ bucket: BUCKET, prefix: 'in/', startAfter: 'in/a' }).contents.map((o) => o.key), ['in/b', 'in/c']);
  assert.deepEqual(store.list({ bucket: BUCKET, prefix: 'zzz' }).contents, []);
});

test('list rolls keys up by delimiter', async (t) => {
  const store = await storeWith(t, ['photos/2024/a.jpg', 'photos/2024/b.jpg', 'photos/2025/c.jpg', 'photos/readme.txt', 'photos/z/d.jpg', 'top.txt']);

  const root = store.list({ bucket: BUCKET, delimiter: '/' });
  const photos = store.list({ bucket: BUCKET, prefix: 'photos/', delimiter: '/' });

  assert.deepEqual(root.commonPrefixes, ['photos/']);
  assert.deepEqual(root.contents.map((o) => o.key), ['top.txt']);
  assert.deepEqual(photos.commonPrefixes, ['photos/2024/', 'photos/2025/', 'photos/z/']);
  assert.deepEqual(photos.contents.map((o) => o.key), ['photos/readme.txt']);
  assert.equal(photos.keyCount, 4);
});

test('common prefixes count toward max keys', async (t) => {
  const store = await storeWith(t, ['a/1', 'a/2', 'b/1', 'c', 'd/1']);

  const first = store.list({ bucket: BUCKET, delimiter: '/', maxKeys: 2 });
  const second = store.list({ bucket: BUCKET, delimiter: '/', maxKeys: 2, continuationToken: first.nextContinuationToken });

  assert.deepEqual(first.commonPrefixes, ['a/', 'b/']);
  assert.equal(first.isTruncated, true);
  assert.deepEqual(second.contents.map((o) => o.key), ['c']);
  assert.deepEqual(second.commonPrefixes, ['d/']);
  assert.equal(second.isTruncated, false);
  assert.equal(second.nextContinuationToken, undefined);
});

test('list rejects a forged continuation token', async (t) => {
  const store = await storeWith(t, ['a']);

  assert.throws(() => store.list({ bucket: BUCKET, continuationToken: '***' }), { name: 'InvalidArgument' });
  assert.throws(() => store.list({ bucket: BUCKET, maxKeys: -1 }), { name: 'InvalidArgument' });
});
