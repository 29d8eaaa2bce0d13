/**
 * The database client inside real execution environments: fixture handlers
 * bundled with esbuild and run in worker threads, calling the router and
 * the database engine over the environment's channel.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';

import { BucketStore } from '../../src/local/buckets/index.ts';
import { createDatabaseHandler, DatabaseEngine } from '../../src/local/databases/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp, type AppModel } from '../../src/model/index.ts';
import { FunctionRuntime } from '../../src/runtime/index.ts';

const app: AppModel = resolveApp({
  name: 'demo',
  services: {
    activity: {
      functions: {
        sql: { handler: 'handlers/sql.handler', links: ['counters'], timeout: 10 },
        outsider: { handler: 'handlers/outsider.handler', links: [], timeout: 10 },
      },
      databases: { counters: { migrations: 'migrations' } },
    },
  },
}, path.join(import.meta.dirname, 'fixtures'));

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-database-client-'));
let databases: DatabaseEngine;
let runtime: FunctionRuntime;
let closeStores: () => void;

// One engine and runtime for the file, because a new PGlite database takes seconds to create.
before(async () => {
  databases = new DatabaseEngine({ stateDir, databases: app.databases });
  const tables = createTableStore({ stateDir, tables: [] });
  const buckets = new BucketStore({ stateDir, buckets: [] });
  closeStores = () => { tables.close(); buckets.close(); };
  const router = createResourceRouter({ app, buckets, tables, handlers: { database: createDatabaseHandler(databases) } });
  runtime = new FunctionRuntime({ stateDir, router });
  // Creating the database takes longer than a handler's timeout on a busy machine.
  await databases.ready(app.databases[0]!.physicalName);
});

after(async () => {
  await runtime.close();
  await databases.close();
  closeStores();
  rmSync(stateDir, { recursive: true, force: true });
});

async function invoke(functionName: string, event: object): Promise<Record<string, any>> {
  const fn = app.functions.find((candidate) => candidate.name === functionName)!;
  const result = await runtime.invoke(fn, event);
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.payload as Record<string, any>;
}

const sql = (text: string, params?: unknown[]) => invoke('sql', { action: 'query', sql: text, params });

test('query returns rows and counts', async () => {
  const inserted = await sql('INSERT INTO counters (name, value) VALUES ($1, $2), ($3, $4) RETURNING name', ['a', 1, 'b', 2]);
  assert.equal(inserted.rowCount, 2);
  assert.deepEqual(inserted.rows, [{ name: 'a' }, { name: 'b' }]);

  const updated = await sql('UPDATE counters SET value = value + 10 WHERE name = ANY($1)', [['a', 'b']]);
  assert.equal(updated.rowCount, 2);
  assert.deepEqual(updated.rows, []);

  // count(*) is a bigint, which the Data API returns as a JSON number.
  const counted = await sql('SELECT count(*) AS total, sum(value)::int AS sum FROM counters WHERE name IN ($1, $2)', ['a', 'b']);
  assert.deepEqual(counted.rows, [{ total: 2, sum: 23 }]);
  assert.equal(counted.rowCount, 1);
});

test('failed statement carries its SQLSTATE', async () => {
  await sql('INSERT INTO counters (name) VALUES ($1)', ['unique']);

  const duplicate = await sql('INSERT INTO counters (name) VALUES ($1)', ['unique']);
  // The Data API's error for a failed statement; 23505 is Postgres's unique_violation.
  assert.equal(duplicate.error.name, 'DatabaseErrorException');
  assert.equal(duplicate.error.code, '23505');
  assert.equal(duplicate.error.isDatabaseError, true);
  assert.match(duplicate.error.message, /duplicate key value violates unique constraint "counters_pkey"/);

  const missing = await sql('SELECT * FROM nowhere');
  assert.equal(missing.error.code, '42P01');
  assert.match(missing.error.message, /relation "nowhere" does not exist/);
});

test('bad statement input is rejected', async () => {
  const empty = await sql('  ');

  assert.equal(empty.error.name, 'BadRequestException');
  assert.match(empty.error.message, /non-empty string/);
});

test('concurrent transactions lose no update', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, () => invoke('sql', { action: 'increment', name: 'shared' })));

  assert.deepEqual(results.map((result) => result.value).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
  const { rows } = await sql('SELECT value FROM counters WHERE name = $1', ['shared']);
  assert.deepEqual(rows, [{ value: 8 }]);
});

test('failed transaction is rolled back', async () => {
  const failed = await invoke('sql', { action: 'failed-transaction', name: 'rolled-back' });
  assert.match(failed.error.message, /the work failed/);

  const { rows } = await sql('SELECT value FROM counters WHERE name = $1', ['rolled-back']);
  assert.deepEqual(rows, []);
});

test('unlinked database is access denied', async () => {
  const payload = await invoke('outsider', {});

  // The RDS Data API names the error AccessDeniedException; its action applies to the cluster ARN.
  assert.equal(payload.error.name, 'AccessDeniedException');
  assert.match(payload.error.message, /is not authorized to perform: rds-data:ExecuteStatement on resource: arn:aws:rds:us-east-1:000000000000:cluster:counters/);
});
