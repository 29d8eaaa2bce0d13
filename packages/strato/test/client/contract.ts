/**
 * The behaviour of `strato/client` that every driver shares. Each driver's
 * test file runs it with a target that prepares fresh resources for each
 * test, with the environment variables that name them. Table `photos` has
 * partition `owner`, sort `id` and a global secondary index `by-status`
 * (partition `status`, sort `id`). Table `scores` has partition `game` and
 * number sort `score`. Bucket `originals` is empty.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { bucket, table, type Key } from '../../src/client/index.ts';

export interface ClientTarget {
  /** Prepares fresh resources and the variables that name them; cleans up when the test ends. */
  setUp(t: TestContext): Promise<void> | void;
}

/** Returns the error a promise rejects with, failing the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
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

export function defineClientContract(target: ClientTarget): void {
  test('table client writes and reads items', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');

    await photos.put({ owner: 'o', id: 'p1', status: 'pending' }, { ifNotExists: true });
    const updated = await photos.update({ owner: 'o', id: 'p1' }, { status: 'ready', width: 640 }, { ifExists: true });
    const read = await photos.get({ owner: 'o', id: 'p1' });
    const deleted = await photos.delete({ owner: 'o', id: 'p1' });
    const afterDelete = await photos.get({ owner: 'o', id: 'p1' });

    assert.deepEqual(updated, { owner: 'o', id: 'p1', status: 'ready', width: 640 });
    assert.deepEqual(read, updated);
    assert.deepEqual(deleted, updated);
    assert.equal(afterDelete, undefined);
  });

  test('binary values and sets round-trip', async (t) => {
    await target.setUp(t);
    const photos = table('photos');
    const item = { owner: 'o', id: 'p1', tags: new Set(['sea', 'sun']), sizes: new Set([320, 1280]), hash: new Uint8Array([1, 2, 255]) };

    await photos.put(item);
    const read = await photos.get({ owner: 'o', id: 'p1' });

    assert.deepEqual(read, item);
    assert.ok(read?.tags instanceof Set);
    assert.ok(read?.hash instanceof Uint8Array);
  });

  test('update removes undefined attributes', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');
    await photos.put({ owner: 'o', id: 'p1', status: 'ready', width: 10 });

    const updated = await photos.update({ owner: 'o', id: 'p1' }, { width: undefined });

    assert.deepEqual(updated, { owner: 'o', id: 'p1', status: 'ready' });
  });

  test('table conditions throw AWS errors', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');
    await photos.put({ owner: 'o', id: 'p1', status: 'pending' });

    const exists = await rejectionOf(photos.put({ owner: 'o', id: 'p1', status: 'ready' }, { ifNotExists: true }));
    const stale = await rejectionOf(photos.update({ owner: 'o', id: 'p1' }, { status: 'ready' }, { ifEquals: { status: 'ready' } }));
    const missing = await rejectionOf(photos.delete({ owner: 'o', id: 'nope' }, { ifExists: true }));

    assert.equal(exists.name, 'ConditionalCheckFailedException');
    assert.equal(stale.name, 'ConditionalCheckFailedException');
    assert.equal(missing.name, 'ConditionalCheckFailedException');
    assert.equal((await photos.get({ owner: 'o', id: 'p1' }))?.status, 'pending');
  });

  test('table query pages through a partition', async (t) => {
    await target.setUp(t);
    const scores = table<{ game: string; score: number }>('scores');
    for (const score of [5, 40, 3, 12, 100]) await scores.put({ game: 'g', score });
    await scores.put({ game: 'other', score: 7 });

    const seen: number[] = [];
    let startKey: Key | undefined;
    do {
      const page = await scores.query({ partition: 'g', sort: { gte: 4 }, descending: true, limit: 2, startKey });
      seen.push(...page.items.map((item) => item.score));
      startKey = page.lastKey;
    } while (startKey);

    assert.deepEqual(seen, [100, 40, 12, 5]);
  });

  test('table query by sort key prefix', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');
    for (const id of ['2024-01', '2024-02', '2025-01']) await photos.put({ owner: 'o', id, status: 'ready' });

    const page = await photos.query({ partition: 'o', sort: { beginsWith: '2024' } });
    const between = await photos.query({ partition: 'o', sort: { between: ['2024-02', '2025-01'] } });

    assert.deepEqual(page.items.map((item) => item.id), ['2024-01', '2024-02']);
    assert.deepEqual(between.items.map((item) => item.id), ['2024-02', '2025-01']);
  });

  test('table query on an index', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');
    await photos.put({ owner: 'b', id: 'p3', status: 'ready' });
    await photos.put({ owner: 'a', id: 'p1', status: 'ready' });
    await photos.put({ owner: 'a', id: 'p2', status: 'pending' });
    await photos.put({ owner: 'c', id: 'p4', status: 'ready' });

    const seen: string[] = [];
    let startKey: Key | undefined;
    do {
      const page = await photos.query({ index: 'by-status', partition: 'ready', sort: { gte: 'p2' }, limit: 1, startKey });
      seen.push(...page.items.map((item) => `${item.owner}/${item.id}`));
      startKey = page.lastKey;
    } while (startKey);
    const unknown = await rejectionOf(photos.query({ index: 'by-size', partition: 'x' }));

    assert.deepEqual(seen, ['b/p3', 'c/p4']);
    assert.equal(unknown.name, 'ValidationException');
  });

  test('table batches of any size', async (t) => {
    await target.setUp(t);
    const scores = table<{ game: string; score: number }>('scores');
    const items = Array.from({ length: 130 }, (_, score) => ({ game: 'g', score }));

    await scores.batchWrite({ put: items });
    const found = await scores.batchGet([...items.map(({ game, score }) => ({ game, score })), { game: 'g', score: 1000 }]);
    await scores.batchWrite({ delete: items.slice(0, 100).map(({ game, score }) => ({ game, score })) });
    const left = await scores.query({ partition: 'g' });
    const duplicate = await rejectionOf(scores.batchWrite({ put: [{ game: 'h', score: 1 }, { game: 'h', score: 1 }] }));

    assert.equal(found.length, 130);
    assert.deepEqual(found.map((item) => item.score).sort((a, b) => a - b), items.map((item) => item.score));
    assert.deepEqual(left.items.map((item) => item.score), items.slice(100).map((item) => item.score));
    assert.equal(duplicate.name, 'ValidationException');
  });

  test('table scan returns every item once', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');
    const expected = ['a/1', 'a/2', 'b/1', 'b/2', 'c/1'];
    for (const key of expected) {
      const [owner, id] = key.split('/') as [string, string];
      await photos.put({ owner, id, status: 'ready' });
    }

    const seen: string[] = [];
    let startKey: Key | undefined;
    do {
      const page = await photos.scan({ limit: 2, startKey });
      seen.push(...page.items.map((item) => `${item.owner}/${item.id}`));
      startKey = page.lastKey;
    } while (startKey);

    assert.deepEqual(seen.sort(), expected);
  });

  test('table key errors keep the AWS name', async (t) => {
    await target.setUp(t);
    const photos = table('photos');

    const error = await rejectionOf(photos.get({ owner: 'o' }));

    assert.equal(error.name, 'ValidationException');
  });

  test('bucket client stores and reads objects', async (t) => {
    await target.setUp(t);
    const originals = bucket('originals');

    const stored = await originals.put('docs/a.txt', 'héllo', { contentType: 'text/plain', metadata: { owner: 'ada' } });
    const object = await originals.get('docs/a.txt');
    const info = await originals.head('docs/a.txt');

    assert.equal(stored.size, 6);
    assert.equal(object.text(), 'héllo');
    assert.ok(object.body instanceof Uint8Array);
    assert.equal(object.contentType, 'text/plain');
    assert.deepEqual(object.metadata, { owner: 'ada' });
    assert.equal(object.etag, stored.etag);
    assert.equal(object.size, 6);
    assert.ok(object.lastModified instanceof Date);
    assert.equal(info?.size, 6);
    assert.equal(info?.etag, stored.etag);
  });

  test('bucket client stores bytes as given', async (t) => {
    await target.setUp(t);
    const originals = bucket('originals');
    const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);

    await originals.put('bin', bytes);
    const object = await originals.get('bin');

    assert.deepEqual([...object.body], [...bytes]);
  });

  test('missing object throws NoSuchKey', async (t) => {
    await target.setUp(t);
    const originals = bucket('originals');

    const error = await rejectionOf(originals.get('nothing-here'));
    const info = await originals.head('nothing-here');

    assert.equal(error.name, 'NoSuchKey');
    assert.equal(info, undefined);
  });

  test('bucket client lists and deletes', async (t) => {
    await target.setUp(t);
    const originals = bucket('originals');
    for (const key of ['a/1', 'a/2', 'a/3', 'b/1']) await originals.put(key, key);

    const first = await originals.list({ prefix: 'a/', maxKeys: 2 });
    const second = await originals.list({ prefix: 'a/', maxKeys: 2, continuationToken: first.nextContinuationToken });
    const folders = await originals.list({ delimiter: '/' });
    await originals.delete('a/1');
    await originals.delete('never-stored');
    const after = await originals.list({ prefix: 'a/' });

    assert.deepEqual(first.objects.map((object) => object.key), ['a/1', 'a/2']);
    assert.equal(first.isTruncated, true);
    assert.deepEqual(second.objects.map((object) => object.key), ['a/3']);
    assert.equal(second.isTruncated, false);
    assert.deepEqual(folders.commonPrefixes, ['a/', 'b/']);
    assert.deepEqual(after.objects.map((object) => object.key), ['a/2', 'a/3']);
  });

  test('client rejects conflicting conditions', async (t) => {
    await target.setUp(t);
    const photos = table<Photo>('photos');

    const both = await rejectionOf(photos.put({ owner: 'o', id: 'p', status: 'ready' }, { ifExists: true, ifNotExists: true }));
    const twoAttributes = await rejectionOf(photos.put({ owner: 'o', id: 'p', status: 'ready' }, { ifEquals: { status: 'ready', width: 1 } }));

    assert.equal(both.name, 'TypeError');
    assert.equal(twoAttributes.name, 'TypeError');
  });
}
