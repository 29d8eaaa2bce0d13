import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { createTableStore, type ItemChange, type TableStore } from '../../src/local/tables/index.ts';
import { errorOf, TABLES } from './store-fixture.ts';

const PHOTOS = TABLES.photos.physicalName;
const USERS = TABLES.users.physicalName;

interface Recorder {
  readonly store: TableStore;
  readonly changes: ItemChange[];
  /** Makes the listener throw on its next change. */
  failNext(): void;
}

/** Opens a store whose listener records the changes of the photos table only. */
function openRecordingStore(t: TestContext): Recorder {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-table-changes-'));
  const changes: ItemChange[] = [];
  let fail = false;
  const store = createTableStore({
    stateDir,
    tables: Object.values(TABLES),
    changeListener: () => ({
      wants: (table) => table === PHOTOS,
      onChange(change) {
        if (fail) {
          fail = false;
          throw new Error('listener failed');
        }
        changes.push(change);
      },
    }),
  });
  t.after(() => {
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { store, changes, failNext: () => { fail = true; } };
}

test('writes report their old and new items', (t) => {
  const { store, changes } = openRecordingStore(t);

  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending' } });
  store.update(PHOTOS, { key: { owner: 'o', id: 'p1' }, changes: { status: 'ready' } });
  store.delete(PHOTOS, { key: { owner: 'o', id: 'p1' } });

  const key = { owner: 'o', id: 'p1' };
  assert.deepEqual(changes, [
    { table: PHOTOS, key, oldItem: undefined, newItem: { owner: 'o', id: 'p1', status: 'pending' } },
    { table: PHOTOS, key, oldItem: { owner: 'o', id: 'p1', status: 'pending' }, newItem: { owner: 'o', id: 'p1', status: 'ready' } },
    { table: PHOTOS, key, oldItem: { owner: 'o', id: 'p1', status: 'ready' }, newItem: undefined },
  ]);
});

test('writes that change nothing report nothing', (t) => {
  const { store, changes } = openRecordingStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending' } });

  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending' } });
  store.update(PHOTOS, { key: { owner: 'o', id: 'p1' }, changes: { status: 'pending' } });
  store.delete(PHOTOS, { key: { owner: 'o', id: 'missing' } });

  assert.equal(changes.length, 1);
});

test('unwanted tables report nothing', (t) => {
  const { store, changes } = openRecordingStore(t);

  store.put(USERS, { item: { id: 'u1' } });

  assert.deepEqual(changes, []);
});

test('failing listener rolls the write back', (t) => {
  const { store, changes, failNext } = openRecordingStore(t);
  store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'pending' } });

  failNext();
  const error = errorOf(() => store.put(PHOTOS, { item: { owner: 'o', id: 'p1', status: 'ready' } }));

  assert.equal(error.message, 'listener failed');
  assert.equal(store.get(PHOTOS, { owner: 'o', id: 'p1' })?.status, 'pending');
  assert.equal(changes.length, 1);
});

test('setTables adds and removes tables', (t) => {
  const { store } = openRecordingStore(t);
  store.put(USERS, { item: { id: 'u1' } });

  store.setTables([TABLES.photos, { physicalName: 'demo-new-table', partitionKey: 'k', sortKeyType: 'string' }]);
  store.put('demo-new-table', { item: { k: 'a' } });
  const removed = errorOf(() => store.get(USERS, { id: 'u1' }));

  assert.deepEqual(store.get('demo-new-table', { k: 'a' }), { k: 'a' });
  assert.equal(removed.name, 'ResourceNotFoundException');
});
