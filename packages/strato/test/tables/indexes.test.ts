import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { createTableStore, type Key, type KeySchema, type Page, type TableStore } from '../../src/local/tables/index.ts';
import { errorOf } from './store-fixture.ts';

const PHOTOS = 'demo-photos-photos';

/** Photos keyed by owner and id, with an index by status and creation time, and one by album alone. */
const PHOTOS_TABLE: KeySchema = {
  physicalName: PHOTOS,
  partitionKey: 'owner',
  sortKey: 'id',
  sortKeyType: 'string',
  indexes: [
    { name: 'by-status', partitionKey: 'status', sortKey: 'createdAt', sortKeyType: 'number' },
    { name: 'by-album', partitionKey: 'album', sortKeyType: 'string' },
  ],
};

function openStore(t: TestContext, tables: readonly KeySchema[] = [PHOTOS_TABLE]): { store: TableStore; stateDir: string } {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-table-indexes-'));
  const store = createTableStore({ stateDir, tables });
  t.after(() => {
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { store, stateDir };
}

const ids = (page: Page) => page.items.map((item) => item.id);

test('index query orders by the index sort key', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'b', id: 'p1', status: 'ready', createdAt: 30 } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p2', status: 'ready', createdAt: 10 } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p3', status: 'pending', createdAt: 20 } });
  store.put(PHOTOS, { item: { owner: 'c', id: 'p4', status: 'ready', createdAt: 200 } });

  const ready = store.query(PHOTOS, { index: 'by-status', partition: 'ready' });
  const newest = store.query(PHOTOS, { index: 'by-status', partition: 'ready', descending: true, limit: 1 });
  const recent = store.query(PHOTOS, { index: 'by-status', partition: 'ready', sort: { gt: 15 } });

  // Numbers sort by value: 200 after 30.
  assert.deepEqual(ids(ready), ['p2', 'p1', 'p4']);
  assert.deepEqual(ids(newest), ['p4']);
  assert.deepEqual(ids(recent), ['p1', 'p4']);
});

test('items without the index keys stay out', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'a', id: 'p1', status: 'ready', createdAt: 1 } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p2', status: 'ready' } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p3', album: 'trip' } });

  // A global secondary index is sparse: only items with all its key attributes appear in it.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html
  assert.deepEqual(ids(store.query(PHOTOS, { index: 'by-status', partition: 'ready' })), ['p1']);
  assert.deepEqual(ids(store.query(PHOTOS, { index: 'by-album', partition: 'trip' })), ['p3']);
});

test('writes move and remove index entries', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'a', id: 'p1', status: 'pending', createdAt: 1 } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p2', status: 'pending', createdAt: 2 } });

  store.update(PHOTOS, { key: { owner: 'a', id: 'p1' }, changes: { status: 'ready' } });
  store.delete(PHOTOS, { key: { owner: 'a', id: 'p2' } });

  assert.deepEqual(ids(store.query(PHOTOS, { index: 'by-status', partition: 'pending' })), []);
  assert.deepEqual(store.query(PHOTOS, { index: 'by-status', partition: 'ready' }).items, [{ owner: 'a', id: 'p1', status: 'ready', createdAt: 1 }]);
});

test('index pages return every item once', (t) => {
  const { store } = openStore(t);
  // Many items share an index sort value, so the page boundary falls among equal index keys.
  const expected: string[] = [];
  for (let i = 0; i < 17; i++) {
    const id = `p${String(i).padStart(2, '0')}`;
    store.put(PHOTOS, { item: { owner: `o${i % 3}`, id, status: 'ready', createdAt: i % 4 } });
    expected.push(id);
  }

  for (const descending of [false, true]) {
    const seen: string[] = [];
    let startKey: Key | undefined;
    let lastCreatedAt = descending ? Infinity : -Infinity;
    do {
      const page = store.query(PHOTOS, { index: 'by-status', partition: 'ready', limit: 4, descending, startKey });
      for (const item of page.items) {
        seen.push(item.id as string);
        const createdAt = item.createdAt as number;
        assert.ok(descending ? createdAt <= lastCreatedAt : createdAt >= lastCreatedAt, 'items out of index order');
        lastCreatedAt = createdAt;
      }
      startKey = page.lastKey;
    } while (startKey);

    assert.equal(seen.length, expected.length);
    assert.deepEqual([...seen].sort(), expected);
  }
});

test('index last key holds table and index keys', (t) => {
  const { store } = openStore(t);
  store.put(PHOTOS, { item: { owner: 'a', id: 'p1', status: 'ready', createdAt: 5 } });

  const page = store.query(PHOTOS, { index: 'by-status', partition: 'ready', limit: 1 });

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Reading
  assert.deepEqual(page.lastKey, { owner: 'a', id: 'p1', status: 'ready', createdAt: 5 });
});

test('index key of the wrong type is rejected', (t) => {
  const { store } = openStore(t);

  const wrongType = errorOf(() => store.put(PHOTOS, { item: { owner: 'a', id: 'p1', status: 'ready', createdAt: 'yesterday' } }));
  const empty = errorOf(() => store.put(PHOTOS, { item: { owner: 'a', id: 'p2', album: '' } }));
  const viaUpdate = errorOf(() => store.update(PHOTOS, { key: { owner: 'a', id: 'p3' }, changes: { status: 7 } }));

  assert.equal(wrongType.name, 'ValidationException');
  assert.equal(wrongType.message, 'One or more parameter values were invalid: Type mismatch for Index Key createdAt Expected: N Actual: S IndexName: by-status');
  assert.equal(empty.name, 'ValidationException');
  assert.match(empty.message, /cannot contain an empty string value\. IndexName: by-album, IndexKey: album$/);
  assert.equal(viaUpdate.name, 'ValidationException');
  assert.equal(store.scan(PHOTOS).items.length, 0);
});

test('unknown index is rejected', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.query(PHOTOS, { index: 'by-size', partition: 'x' }));

  assert.equal(error.name, 'ValidationException');
  assert.match(error.message, /^The table does not have the specified index: by-size/);
});

test('new index covers stored items', (t) => {
  const withoutIndexes: KeySchema = { ...PHOTOS_TABLE, indexes: [] };
  const { store, stateDir } = openStore(t, [withoutIndexes]);
  store.put(PHOTOS, { item: { owner: 'a', id: 'p1', status: 'ready', createdAt: 2 } });
  store.put(PHOTOS, { item: { owner: 'a', id: 'p2', status: 'ready', createdAt: 'not a number' } });

  store.setTables([PHOTOS_TABLE]);
  const afterReload = store.query(PHOTOS, { index: 'by-status', partition: 'ready' });

  // An item whose attribute does not fit the new index's key type stays out of the index.
  assert.deepEqual(ids(afterReload), ['p1']);

  const reopened = createTableStore({ stateDir, tables: [{ ...PHOTOS_TABLE, indexes: [{ name: 'by-status', partitionKey: 'owner', sortKeyType: 'string' }] }] });
  t.after(() => reopened.close());
  const rebuilt = reopened.query(PHOTOS, { index: 'by-status', partition: 'a' });

  // The index's keys changed between runs, so it was rebuilt from the items.
  assert.deepEqual(ids(rebuilt), ['p1', 'p2']);
});

test('index query validates its conditions', (t) => {
  const { store } = openStore(t);

  const noSortKey = errorOf(() => store.query(PHOTOS, { index: 'by-album', partition: 'trip', sort: { eq: 'x' } }));
  const wrongType = errorOf(() => store.query(PHOTOS, { index: 'by-status', partition: 'ready', sort: { gt: 'x' } }));
  const badStart = errorOf(() => store.query(PHOTOS, { index: 'by-status', partition: 'ready', startKey: { owner: 'a', id: 'p1' } }));

  assert.match(noSortKey.message, /^Query key condition not supported: index by-album has no sort key/);
  assert.equal(wrongType.message, 'One or more parameter values were invalid: Condition parameter type does not match schema type');
  assert.equal(badStart.name, 'ValidationException');
});

