import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';

import { BucketStore, MAX_KEY_BYTES, S3Error } from '../../src/local/buckets/index.ts';
import { bucketModel, tempStateDir } from './helpers.ts';

const BUCKET = 'demo-photos-originals';

function openStore(t: { after(fn: () => void): void }, stateDir = tempStateDir(t)): BucketStore {
  const store = new BucketStore({ stateDir, buckets: [bucketModel('originals')] });
  t.after(() => store.close());
  return store;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(path.join(dir, name)).isFile())
    .map((name) => path.join(dir, name));
}

test('put and get round trip with metadata', async (t) => {
  const store = openStore(t);

  const stored = await store.put({ bucket: BUCKET, key: 'a/photo.jpg', body: 'hello world', contentType: 'image/jpeg', metadata: { Owner: 'ana' } });
  const { info, body } = await store.get(BUCKET, 'a/photo.jpg');

  assert.equal(body.toString(), 'hello world');
  assert.equal(info.size, 11);
  // MD5 of "hello world"; S3 sends the ETag quoted.
  assert.equal(info.etag, '"5eb63bbbe01eeed093cb22bb8f5acdc3"');
  assert.equal(info.contentType, 'image/jpeg');
  assert.deepEqual(info.metadata, { owner: 'ana' });
  assert.equal(info.lastModified.getTime(), stored.lastModified.getTime());
  assert.deepEqual(store.head(BUCKET, 'a/photo.jpg'), info);
});

test('put streams a body and defaults the content type', async (t) => {
  const store = openStore(t);
  const chunks = [Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2)];

  await store.put({ bucket: BUCKET, key: 'big.bin', body: Readable.from(chunks) });
  const { info, body } = await store.getStream(BUCKET, 'big.bin');
  const read: Buffer[] = [];
  for await (const chunk of body) read.push(chunk as Buffer);

  assert.equal(info.size, 150_000);
  assert.equal(info.contentType, 'binary/octet-stream');
  assert.deepEqual(Buffer.concat(read), Buffer.concat(chunks));
});

test('put replaces an object and leaves one file', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openStore(t, stateDir);

  await store.put({ bucket: BUCKET, key: 'k', body: 'first' });
  await store.put({ bucket: BUCKET, key: 'k', body: 'second' });

  assert.equal((await store.get(BUCKET, 'k')).body.toString(), 'second');
  assert.equal(listFiles(path.join(stateDir, 'buckets', BUCKET)).length, 1);
});

test('delete is idempotent and get then fails', async (t) => {
  const store = openStore(t);
  await store.put({ bucket: BUCKET, key: 'gone.txt', body: 'x' });

  await store.delete(BUCKET, 'gone.txt');
  await store.delete(BUCKET, 'gone.txt');

  await assert.rejects(store.get(BUCKET, 'gone.txt'), { name: 'NoSuchKey', statusCode: 404 });
  assert.throws(() => store.head(BUCKET, 'gone.txt'), { name: 'NoSuchKey' });
});

test('unknown bucket gets NoSuchBucket', async (t) => {
  const store = openStore(t);

  await assert.rejects(store.put({ bucket: 'other', key: 'k', body: 'x' }), { name: 'NoSuchBucket', statusCode: 404 });
  assert.throws(() => store.list({ bucket: 'other' }), { name: 'NoSuchBucket' });
});

test('key validation follows S3 limits', async (t) => {
  const store = openStore(t);

  // S3 allows keys of up to 1024 bytes of UTF-8: "é" is two bytes.
  await store.put({ bucket: BUCKET, key: 'é'.repeat(MAX_KEY_BYTES / 2), body: 'x' });
  await assert.rejects(store.put({ bucket: BUCKET, key: 'é'.repeat(MAX_KEY_BYTES / 2) + 'a', body: 'x' }), { name: 'KeyTooLongError' });
  await assert.rejects(store.put({ bucket: BUCKET, key: '', body: 'x' }), { name: 'InvalidArgument' });
  await assert.rejects(store.put({ bucket: BUCKET, key: 'bad\uD800', body: 'x' }), { name: 'InvalidArgument' });
});

test('user metadata over 2 KB gets MetadataTooLarge', async (t) => {
  const store = openStore(t);

  const error = await store.put({ bucket: BUCKET, key: 'k', body: 'x', metadata: { big: 'v'.repeat(2048) } }).catch((e: unknown) => e);

  assert.ok(error instanceof S3Error);
  assert.equal(error.code, 'MetadataTooLarge');
});

test('traversal keys stay inside the bucket folder', async (t) => {
  const stateDir = tempStateDir(t);
  const store = openStore(t, stateDir);
  const keys = ['../escape.txt', '../../../../etc/passwd', '/absolute', 'a/../../b', '..', '.', 'C:\\windows\\x', 'nul\u0000byte'];

  for (const key of keys) await store.put({ bucket: BUCKET, key, body: `content of ${key}` });

  const bucketFolder = path.join(stateDir, 'buckets', BUCKET);
  const allFiles = listFiles(stateDir);
  const outside = allFiles.filter((file) => !file.startsWith(bucketFolder + path.sep) && !file.includes('buckets.sqlite'));
  assert.deepEqual(outside, []);
  for (const key of keys) assert.equal((await store.get(BUCKET, key)).body.toString(), `content of ${key}`);
  assert.deepEqual(store.list({ bucket: BUCKET }).contents.map((o) => o.key), [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
});

test('objects survive reopening the store', async (t) => {
  const stateDir = tempStateDir(t);
  const first = new BucketStore({ stateDir, buckets: [bucketModel('originals')] });
  await first.put({ bucket: BUCKET, key: 'kept', body: 'still here', metadata: { a: '1' } });
  first.close();

  const second = openStore(t, stateDir);
  const { info, body } = await second.get(BUCKET, 'kept');

  assert.equal(body.toString(), 'still here');
  assert.deepEqual(info.metadata, { a: '1' });
});

test('Content-MD5 is checked against the body', async (t) => {
  const store = openStore(t);
  // Base64 MD5 of "hello world".
  const helloMd5 = 'XrY7u+Ae7tCTyyK7j1rNww==';

  await store.put({ bucket: BUCKET, key: 'checked', body: 'hello world', contentMd5: helloMd5 });
  await assert.rejects(store.put({ bucket: BUCKET, key: 'corrupt', body: 'hello world!', contentMd5: helloMd5 }), { name: 'BadDigest' });
  await assert.rejects(store.put({ bucket: BUCKET, key: 'malformed', body: 'x', contentMd5: 'not-md5' }), { name: 'InvalidDigest' });

  assert.equal((await store.get(BUCKET, 'checked')).body.toString(), 'hello world');
  assert.throws(() => store.head(BUCKET, 'corrupt'), { name: 'NoSuchKey' });
});
