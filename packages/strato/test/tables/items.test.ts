import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createTableStore } from '../../src/local/tables/index.ts';
import { errorOf, openStore, TABLES } from './store-fixture.ts';

const USERS = TABLES.users.physicalName;
const PHOTOS = TABLES.photos.physicalName;

test('put then get returns the item', (t) => {
  const { store } = openStore(t);
  const item = { id: 'u1', name: 'Ada', tags: ['a', 'b'], address: { city: 'London' }, active: true, note: null, empty: '' };

  store.put(USERS, { item });

  assert.deepEqual(store.get(USERS, { id: 'u1' }), item);
  assert.equal(store.get(USERS, { id: 'u2' }), undefined);
});

test('binary values and sets round-trip', (t) => {
  const { store } = openStore(t);
  const item = {
    id: 'u1',
    avatar: new Uint8Array([0, 1, 254, 255]),
    tags: new Set(['a', 'b']),
    scores: new Set([1, 2.5]),
    keys: new Set([new Uint8Array([9]), new Uint8Array([8, 7])]),
    nested: { raw: Buffer.from('hi'), list: [new Set(['x'])] },
  };

  store.put(USERS, { item });
  const read = store.get(USERS, { id: 'u1' });

  // The document client returns binary values as Uint8Array, and sets as Set.
  assert.deepEqual(read, { ...item, nested: { raw: new Uint8Array(Buffer.from('hi')), list: [new Set(['x'])] } });
  assert.ok(read?.avatar instanceof Uint8Array);
  assert.deepEqual(store.query(USERS, { partition: 'u1' }).items[0]?.tags, new Set(['a', 'b']));
});

test('empty and mixed sets are rejected', (t) => {
  const { store } = openStore(t);

  const empty = errorOf(() => store.put(USERS, { item: { id: 'u1', tags: new Set() } }));
  const mixed = errorOf(() => store.put(USERS, { item: { id: 'u1', tags: new Set(['a', 1]) } }));

  assert.equal(empty.name, 'ValidationException');
  assert.match(empty.message, /may not be empty/);
  assert.equal(mixed.name, 'ValidationException');
  assert.equal(store.get(USERS, { id: 'u1' }), undefined);
});

test('put replaces the whole item', (t) => {
  const { store } = openStore(t);
  store.put(USERS, { item: { id: 'u1', name: 'Ada', age: 36 } });

  const old = store.put(USERS, { item: { id: 'u1', name: 'Grace' }, returnOld: true });

  assert.deepEqual(old, { id: 'u1', name: 'Ada', age: 36 });
  assert.deepEqual(store.get(USERS, { id: 'u1' }), { id: 'u1', name: 'Grace' });
});

test('put with notExists rejects an existing key', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending' }, condition: { type: 'notExists' } });

  const error = errorOf(() => store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'other' }, condition: { type: 'notExists' } }));

  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_Errors
  assert.equal(error.name, 'ConditionalCheckFailedException');
  assert.equal(error.message, 'The conditional request failed');
  assert.equal(store.get(PHOTOS, { owner: 'o', id: 'p1' })?.status, 'pending');
});

test('put with exists needs a stored item', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.put(USERS, { item: { id: 'u1' }, condition: { type: 'exists' } }));

  assert.equal(error.name, 'ConditionalCheckFailedException');
  assert.equal(store.get(USERS, { id: 'u1' }), undefined);
});

test('equals condition compares the stored value', (t) => {
  const { store } = openStore(t);
  store.put(USERS, { item: { id: 'u1', version: 1, profile: { a: [1, 2] } } });

  const stale = errorOf(() => store.put(USERS, { item: { id: 'u1', version: 3 }, condition: { type: 'equals', attribute: 'version', value: 2 } }));
  store.put(USERS, { item: { id: 'u1', version: 2, profile: { a: [1, 2] } }, condition: { type: 'equals', attribute: 'version', value: 1 } });
  store.delete(USERS, { key: { id: 'u1' }, condition: { type: 'equals', attribute: 'profile', value: { a: [1, 2] } } });

  assert.equal(stale.name, 'ConditionalCheckFailedException');
  assert.equal(store.get(USERS, { id: 'u1' }), undefined);
});

test('delete returns the old item when asked', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', size: 3 } });

  const old = store.delete(PHOTOS, { key: { owner: 'o', id: 'p1' }, returnOld: true });
  const missing = store.delete(PHOTOS, { key: { owner: 'o', id: 'p1' }, returnOld: true });

  assert.deepEqual(old, { owner: 'o', id: 'p1', size: 3 });
  assert.equal(missing, undefined);
  assert.equal(store.get(PHOTOS, { owner: 'o', id: 'p1' }), undefined);
});

test('delete with exists rejects a missing item', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.delete(USERS, { key: { id: 'ghost' }, condition: { type: 'exists' } }));

  assert.equal(error.name, 'ConditionalCheckFailedException');
});

test('update sets and removes attributes', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending', reason: 'none yet' } });

  const updated = store.update(PHOTOS, { key: { owner: 'o', id: 'p1' }, changes: { status: 'ready', width: 640, reason: undefined } });

  assert.deepEqual(updated, { owner: 'o', id: 'p1', status: 'ready', width: 640 });
  assert.deepEqual(store.get(PHOTOS, { owner: 'o', id: 'p1' }), updated);
});

test('update creates a missing item', (t) => {
  const { store } = openStore(t);

  // UpdateItem "creates a new item if it does not already exist".
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
  const created = store.update(USERS, { key: { id: 'u9' }, changes: { name: 'New' } });

  assert.deepEqual(created, { id: 'u9', name: 'New' });
});

test('update with exists keeps a missing item missing', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.update(USERS, { key: { id: 'u9' }, changes: { name: 'New' }, condition: { type: 'exists' } }));

  assert.equal(error.name, 'ConditionalCheckFailedException');
  assert.equal(store.get(USERS, { id: 'u9' }), undefined);
});

test('update rejects a change to a key attribute', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.update(PHOTOS, { key: { owner: 'o', id: 'p1' }, changes: { id: 'p2' } }));

  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key');
});

test('items survive reopening the store', (t) => {
  const { store, stateDir } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', title: 'kept' } });

  const reopened = createTableStore({ stateDir, tables: Object.values(TABLES) });
  t.after(() => reopened.close());

  assert.deepEqual(reopened.get(PHOTOS, { owner: 'o', id: 'p1' }), { owner: 'o', id: 'p1', title: 'kept' });
});

test('tables with the same keys stay apart', (t) => {
  const { store } = openStore(t);
  store.put(USERS, { item: { id: 'shared', from: 'users' } });

  assert.equal(store.scan(PHOTOS).items.length, 0);
  assert.equal(store.scan(USERS).items.length, 1);
});

test('unknown table gets ResourceNotFoundException', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.get('demo-nope-missing', { id: 'x' }));

  assert.equal(error.name, 'ResourceNotFoundException');
  assert.match(error.message, /^Requested resource not found/);
  assert.match(error.message, /demo-nope-missing/);
});
