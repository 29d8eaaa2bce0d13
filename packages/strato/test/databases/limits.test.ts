/**
 * The RDS Data API's limits on a statement, enforced by the local engine:
 * 65,536 characters of SQL and 1 MiB of returned data.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DatabaseEngine, MAX_SQL_LENGTH } from '../../src/local/databases/index.ts';
import { databaseModel, rejectionOf } from './helpers.ts';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-database-limits-'));
const NAME = 'demo-activity-limits';
let engine: DatabaseEngine;

before(() => {
  engine = new DatabaseEngine({ stateDir, databases: [databaseModel('limits')] });
});

after(async () => {
  await engine.close();
  rmSync(stateDir, { recursive: true, force: true });
});

test('SQL at the length limit runs', async () => {
  const prefix = 'SELECT 1 AS one -- ';
  const sql = prefix + 'x'.repeat(MAX_SQL_LENGTH - prefix.length);

  const { rows } = await engine.query(NAME, { sql });

  assert.deepEqual(rows, [{ one: 1 }]);
});

test('SQL over the length limit is rejected', async () => {
  const prefix = 'SELECT 1 AS one -- ';
  const sql = prefix + 'x'.repeat(MAX_SQL_LENGTH - prefix.length + 1);

  const error = await rejectionOf(engine.query(NAME, { sql }));

  assert.equal(error.name, 'BadRequestException');
  assert.match(error.message, /65537 characters, over the Data API's limit of 65536/);
});

test('response over 1 MiB is rejected', async () => {
  // 2,000 rows of 1,000 characters come to about 2 MB of JSON.
  const error = await rejectionOf(engine.query(NAME, { sql: "SELECT n, repeat('x', 1000) AS filler FROM generate_series(1, 2000) AS n" }));

  assert.equal(error.name, 'BadRequestException');
  assert.match(error.message, /more than the allowed response size limit/);
});

test('response under 1 MiB is returned', async () => {
  const { rows } = await engine.query(NAME, { sql: "SELECT n, repeat('x', 1000) AS filler FROM generate_series(1, 500) AS n" });

  assert.equal(rows.length, 500);
});
