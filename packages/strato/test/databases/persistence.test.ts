/**
 * A local database across restarts of the engine: data written stays,
 * migrations run once each, and a migration that failed and was fixed runs
 * again from its start.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { DatabaseEngine, MIGRATIONS_TABLE } from '../../src/local/databases/index.ts';
import { databaseModel, rejectionOf, tempDir, writeMigrations } from './helpers.ts';

test('database persists across restarts', async (t) => {
  const root = tempDir(t);
  const stateDir = path.join(root, 'state');
  // 001 inserts a row, so running it twice would leave two rows.
  const migrations = writeMigrations(root, { '001_create.sql': 'CREATE TABLE runs (n int); INSERT INTO runs VALUES (1);' });
  const database = databaseModel('stats', migrations);

  const first = new DatabaseEngine({ stateDir, databases: [database] });
  await first.query(database.physicalName, { sql: 'INSERT INTO runs VALUES (2)' });
  await first.close();
  assert.ok(existsSync(path.join(stateDir, 'databases', database.physicalName)));

  // A broken migration added between runs fails; its first statement is rolled back.
  writeMigrations(root, { '002_more.sql': 'INSERT INTO runs VALUES (3); SELECT * FROM missing;' });
  const second = new DatabaseEngine({ stateDir, databases: [database] });
  const error = await rejectionOf(second.ready(database.physicalName));
  assert.match(error.message, /002_more\.sql/);
  await second.close();

  // Once fixed, it is the only migration applied on the next start.
  writeMigrations(root, { '002_more.sql': 'INSERT INTO runs VALUES (3);' });
  const third = new DatabaseEngine({ stateDir, databases: [database] });
  t.after(() => third.close());
  const { rows } = await third.query(database.physicalName, { sql: 'SELECT n FROM runs ORDER BY n' });
  assert.deepEqual(rows.map((row) => row.n), [1, 2, 3]);

  const applied = await third.query(database.physicalName, { sql: `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name` });
  assert.deepEqual(applied.rows.map((row) => row.name), ['001_create.sql', '002_more.sql']);
});
