import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { buildStreamRecord } from '../../src/local/table-streams/index.ts';
import { createTableStore, type ItemChange, type KeySchema, type TableStoreOptions } from '../../src/local/tables/index.ts';

const SESSIONS = 'demo-users-sessions';
const NOW = Date.parse('2026-06-15T12:00:00Z');
const NOW_SECONDS = NOW / 1000;

const SESSIONS_TABLE: KeySchema = {
  physicalName: SESSIONS,
  partitionKey: 'id',
  sortKeyType: 'string',
  ttlAttribute: 'expiresAt',
  indexes: [{ name: 'by-user', partitionKey: 'user', sortKeyType: 'string' }],
};

function openStore(t: TestContext, options: Partial<TableStoreOptions> = {}) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-table-ttl-'));
  const changes: ItemChange[] = [];
  const store = createTableStore({
    stateDir,
    tables: [SESSIONS_TABLE],
    timeToLiveSweepMs: 0,
    changeListener: () => ({ wants: () => true, onChange: (change) => changes.push(change) }),
    ...options,
  });
  t.after(() => {
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { store, changes, stateDir };
}

test('expired items are deleted by the sweep', (t) => {
  const { store } = openStore(t);
  store.put(SESSIONS, { item: { id: 'old', user: 'u', expiresAt: NOW_SECONDS - 1 } });
  store.put(SESSIONS, { item: { id: 'new', user: 'u', expiresAt: NOW_SECONDS + 60 } });
  store.put(SESSIONS, { item: { id: 'forever', user: 'u' } });
  store.put(SESSIONS, { item: { id: 'text', user: 'u', expiresAt: 'yesterday' } });

  // Expired items still show in reads until they are deleted, as on AWS.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
  assert.equal(store.get(SESSIONS, { id: 'old' })?.id, 'old');

  const deleted = store.deleteExpiredItems(NOW);

  assert.equal(deleted, 1);
  assert.equal(store.get(SESSIONS, { id: 'old' }), undefined);
  assert.deepEqual(store.scan(SESSIONS).items.map((item) => item.id).sort(), ['forever', 'new', 'text']);
  assert.deepEqual(store.query(SESSIONS, { index: 'by-user', partition: 'u' }).items.length, 3);
});

test('deletions by TTL are marked', (t) => {
  const { store, changes } = openStore(t);
  store.put(SESSIONS, { item: { id: 'old', user: 'u', expiresAt: NOW_SECONDS - 1 } });
  changes.length = 0;

  store.deleteExpiredItems(NOW);

  assert.deepEqual(changes, [{ table: SESSIONS, key: { id: 'old' }, oldItem: { id: 'old', user: 'u', expiresAt: NOW_SECONDS - 1 }, newItem: undefined, byTimeToLive: true }]);
});

test('updating the TTL attribute moves the expiry', (t) => {
  const { store } = openStore(t);
  store.put(SESSIONS, { item: { id: 's1', expiresAt: NOW_SECONDS - 1 } });
  store.put(SESSIONS, { item: { id: 's2', expiresAt: NOW_SECONDS + 60 } });

  store.update(SESSIONS, { key: { id: 's1' }, changes: { expiresAt: NOW_SECONDS + 60 } });
  store.update(SESSIONS, { key: { id: 's2' }, changes: { expiresAt: NOW_SECONDS - 1 } });
  store.deleteExpiredItems(NOW);

  assert.deepEqual(store.scan(SESSIONS).items.map((item) => item.id), ['s1']);
});

test('changed TTL setting applies to stored items', (t) => {
  const { store } = openStore(t);
  store.put(SESSIONS, { item: { id: 's1', expiresAt: NOW_SECONDS + 60, endsAt: NOW_SECONDS - 1 } });

  store.setTables([{ ...SESSIONS_TABLE, ttlAttribute: 'endsAt' }]);
  store.deleteExpiredItems(NOW);
  const afterSwitch = store.get(SESSIONS, { id: 's1' });

  store.put(SESSIONS, { item: { id: 's2', endsAt: NOW_SECONDS - 1 } });
  store.setTables([{ ...SESSIONS_TABLE, ttlAttribute: undefined }]);
  store.deleteExpiredItems(NOW);

  assert.equal(afterSwitch, undefined);
  // Without a TTL attribute, nothing expires.
  assert.equal(store.get(SESSIONS, { id: 's2' })?.id, 's2');
});

test('large sweeps run in batches', (t) => {
  const { store } = openStore(t);
  for (let i = 0; i < 1203; i++) store.put(SESSIONS, { item: { id: `s${i}`, expiresAt: NOW_SECONDS - i - 1 } });

  assert.equal(store.deleteExpiredItems(NOW), 1203);
  assert.equal(store.scan(SESSIONS).items.length, 0);
});

test('sweep timer deletes expired items', async (t) => {
  let reportChange: (change: ItemChange) => void = () => {};
  const removed = new Promise<ItemChange>((resolve) => { reportChange = resolve; });
  const { store } = openStore(t, {
    timeToLiveSweepMs: 10,
    changeListener: () => ({ wants: () => true, onChange: (change) => { if (change.byTimeToLive) reportChange(change); } }),
  });

  store.put(SESSIONS, { item: { id: 'gone', expiresAt: Date.now() / 1000 - 1 } });
  // The sweep timer is unref'd, so this timer keeps the test process alive until the sweep runs.
  const keepAlive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(keepAlive));

  assert.deepEqual((await removed).key, { id: 'gone' });
  assert.equal(store.get(SESSIONS, { id: 'gone' }), undefined);
});

test('TTL stream record names DynamoDB', (t) => {
  const { store, changes } = openStore(t);
  store.put(SESSIONS, { item: { id: 'old', expiresAt: NOW_SECONDS - 1 } });
  store.delete(SESSIONS, { key: { id: 'old' } });
  store.put(SESSIONS, { item: { id: 'old', expiresAt: NOW_SECONDS - 1 } });
  store.deleteExpiredItems(NOW);

  const context = { viewType: 'KEYS_ONLY', streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x', region: 'us-east-1', sequence: 1, createdAt: NOW } as const;
  const [byUser, byTimeToLive] = changes.filter((change) => change.newItem === undefined).map((change) => buildStreamRecord(change, context));

  // AWS marks a REMOVE by Time to Live with the DynamoDB service as its user identity.
  assert.deepEqual(byTimeToLive?.userIdentity, { type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  assert.equal(byTimeToLive?.eventName, 'REMOVE');
  assert.equal(byUser?.userIdentity, undefined);
});
