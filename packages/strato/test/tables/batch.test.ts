import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorOf, openStore, TABLES } from './store-fixture.ts';

const PHOTOS = TABLES.photos.physicalName;

test('batch get returns the stored items', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1' } });
  store.put(PHOTOS, { item: { owner: 'o', id: 'p2' } });

  const items = store.batchGet(PHOTOS, [{ owner: 'o', id: 'p2' }, { owner: 'o', id: 'missing' }, { owner: 'o', id: 'p1' }]);

  // BatchGetItem returns found items only, in no particular order.
  assert.deepEqual(items.map((item) => item.id).sort(), ['p1', 'p2']);
});

test('batch write puts and deletes', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'old' } });

  store.batchWrite(PHOTOS, { puts: [{ owner: 'o', id: 'a' }, { owner: 'o', id: 'b' }], deletes: [{ owner: 'o', id: 'old' }] });

  assert.deepEqual(store.scan(PHOTOS).items.map((item) => item.id), ['a', 'b']);
});

test('batch limits and duplicates are rejected', (t) => {
  const { store } = openStore(t);
  const keys = Array.from({ length: 101 }, (_, i) => ({ owner: 'o', id: `p${i}` }));
  const items = Array.from({ length: 26 }, (_, i) => ({ owner: 'o', id: `p${i}` }));

  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
  const tooManyKeys = errorOf(() => store.batchGet(PHOTOS, keys));
  const tooManyWrites = errorOf(() => store.batchWrite(PHOTOS, { puts: items }));
  const duplicate = errorOf(() => store.batchWrite(PHOTOS, { puts: [{ owner: 'o', id: 'a' }], deletes: [{ owner: 'o', id: 'a' }] }));

  assert.equal(tooManyKeys.name, 'ValidationException');
  assert.match(tooManyKeys.message, /^Too many items requested for the BatchGetItem call/);
  assert.match(tooManyWrites.message, /^Too many items requested for the BatchWriteItem call/);
  assert.equal(duplicate.message, 'Provided list of item keys contains duplicates');
  assert.deepEqual(store.scan(PHOTOS).items, []);
});

test('invalid request leaves the batch unwritten', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.batchWrite(PHOTOS, { puts: [{ owner: 'o', id: 'a' }, { owner: 'o', id: 'b', big: 'x'.repeat(500 * 1024) }] }));

  assert.equal(error.message, 'Item size has exceeded the maximum allowed size');
  assert.deepEqual(store.scan(PHOTOS).items, []);
});
