/**
 * Transactions of the local database engine, which follow the RDS Data
 * API: a transaction spans calls by its id, keeps other statements of its
 * database waiting, and ends on commit, rollback or three idle minutes.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_BeginTransaction.html
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DatabaseEngine } from '../../src/local/databases/index.ts';
import { databaseModel, rejectionOf } from './helpers.ts';

const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-transactions-'));
const MAIN = 'demo-activity-main';
const OTHER = 'demo-activity-other';
let engine: DatabaseEngine;

// One engine for the file, because a new PGlite database takes seconds to create.
before(async () => {
  engine = new DatabaseEngine({ stateDir, databases: [databaseModel('main'), databaseModel('other')], transactionIdleSeconds: 1 });
  await engine.query(MAIN, { sql: 'CREATE TABLE events (id serial PRIMARY KEY, name text NOT NULL)' });
});

after(async () => {
  await engine.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const names = async () => (await engine.query(MAIN, { sql: 'SELECT name FROM events ORDER BY id' })).rows.map((row) => row.name);

test('committed transaction keeps its writes', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  await engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES ($1)', params: ['committed'], transactionId });

  const status = await engine.commitTransaction(MAIN, { transactionId });

  assert.equal(status.transactionStatus, 'Transaction Committed');
  assert.ok((await names()).includes('committed'));
});

test('rolled back transaction drops its writes', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  await engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES ($1)', params: ['rolled-back'], transactionId });

  const status = await engine.rollbackTransaction(MAIN, { transactionId });

  assert.equal(status.transactionStatus, 'Rollback Complete');
  assert.ok(!(await names()).includes('rolled-back'));
});

test('statement outside waits for commit', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  await engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES ($1)', params: ['inside'], transactionId });

  // Sent while the transaction is open, so it runs after the commit and counts the row.
  const order: string[] = [];
  const outside = engine.query(MAIN, { sql: 'SELECT count(*) AS n FROM events WHERE name = $1', params: ['inside'] })
    .then((result) => { order.push('outside'); return result; });
  await engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES ($1)', params: ['inside-again'], transactionId });
  order.push('commit');
  await engine.commitTransaction(MAIN, { transactionId });

  assert.deepEqual((await outside).rows, [{ n: 1 }]);
  assert.deepEqual(order, ['commit', 'outside']);
});

test('ended transaction is not found', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  await engine.commitTransaction(MAIN, { transactionId });

  const error = await rejectionOf(engine.query(MAIN, { sql: 'SELECT 1', transactionId }));

  assert.equal(error.name, 'TransactionNotFoundException');
  assert.match(error.message, new RegExp(transactionId));
});

test('transaction of another database is not found', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  try {
    const error = await rejectionOf(engine.query(OTHER, { sql: 'SELECT 1', transactionId }));

    assert.equal(error.name, 'TransactionNotFoundException');
  } finally {
    await engine.rollbackTransaction(MAIN, { transactionId });
  }
});

test('idle transaction is rolled back', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);
  await engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES ($1)', params: ['abandoned'], transactionId });

  // The next statement outside waits for the transaction, which ends when it has been idle for a second.
  assert.ok(!(await names()).includes('abandoned'));
  const error = await rejectionOf(engine.commitTransaction(MAIN, { transactionId }));
  assert.equal(error.name, 'TransactionNotFoundException');
});

test('failed statement in transaction keeps SQLSTATE', async () => {
  const { transactionId } = await engine.beginTransaction(MAIN);

  const failed = await rejectionOf(engine.query(MAIN, { sql: 'INSERT INTO events (name) VALUES (NULL)', transactionId }));
  // 23502 is Postgres's not_null_violation; after it, Postgres rejects the transaction's statements with 25P02.
  assert.equal(failed.name, 'DatabaseErrorException');
  assert.match(failed.message, /SQLState: 23502$/);
  const aborted = await rejectionOf(engine.query(MAIN, { sql: 'SELECT 1', transactionId }));
  assert.match(aborted.message, /SQLState: 25P02$/);

  await engine.rollbackTransaction(MAIN, { transactionId });
});
