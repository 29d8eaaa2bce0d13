/**
 * Migrations of local databases: file name order, a failure that names its
 * file, and other databases unaffected. The databases open once for the file,
 * because each new PGlite data folder takes seconds to create.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DatabaseEngine, MIGRATIONS_TABLE } from '../../src/local/databases/index.ts';
import { databaseModel, rejectionOf, writeMigrations } from './helpers.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'strato-migrations-'));
let engine: DatabaseEngine;
let ordered: string;
let broken: string;

before(() => {
  // 002 inserts into the table that 001 creates; they are written in reverse order to show the sort.
  ordered = writeMigrations(root, {
    '002_seed.sql': `INSERT INTO steps (name) VALUES ('second');`,
    '001_create.sql': `CREATE TABLE steps (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO steps (name) VALUES ('first');`,
    'notes.txt': 'not a migration',
  }, 'ordered');
  broken = writeMigrations(root, {
    '001_create.sql': 'CREATE TABLE photos (id text PRIMARY KEY);',
    '002_broken.sql': 'CREATE TABLE half (id int); ALTER TABLE missing ADD COLUMN x int;',
    '003_later.sql': 'CREATE TABLE later (id int);',
  }, 'broken');
  engine = new DatabaseEngine({
    stateDir: path.join(root, 'state'),
    databases: [databaseModel('ordered', ordered), databaseModel('broken', broken), databaseModel('plain')],
  });
});

after(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test('migrations apply in file name order', async () => {
  const { rows } = await engine.query('demo-activity-ordered', { sql: 'SELECT name FROM steps ORDER BY id' });
  assert.deepEqual(rows.map((row) => row.name), ['first', 'second']);

  const applied = await engine.query('demo-activity-ordered', { sql: `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name` });
  assert.deepEqual(applied.rows.map((row) => row.name), ['001_create.sql', '002_seed.sql']);
});

test('failed migration names file and error', async () => {
  const error = await rejectionOf(engine.ready('demo-activity-broken'));

  assert.equal(error.name, 'MigrationError');
  assert.match(error.message, /broken\/002_broken\.sql of database "activity\.broken" failed/);
  assert.match(error.message, /relation "missing" does not exist \(SQLSTATE 42P01\)/);
});

test('database with failed migration is unavailable', async () => {
  const error = await rejectionOf(engine.query('demo-activity-broken', { sql: 'SELECT 1' }));

  // The Data API's error for a database it cannot reach.
  assert.equal(error.name, 'DatabaseUnavailableException');
  assert.match(error.message, /002_broken\.sql/);
});

test('failed migration leaves other databases', async () => {
  const { rows } = await engine.query('demo-activity-plain', { sql: 'SELECT 1 AS one' });

  assert.deepEqual(rows, [{ one: 1 }]);
});

test('unknown database is not found', async () => {
  const error = await rejectionOf(engine.query('demo-activity-nope', { sql: 'SELECT 1' }));

  assert.equal(error.name, 'DatabaseNotFoundException');
  assert.match(error.message, /demo-activity-nope/);
});

test('database added by update opens', async () => {
  engine.update([databaseModel('plain'), databaseModel('added')]);

  const { rows } = await engine.query('demo-activity-added', { sql: 'SELECT 2 AS two' });

  assert.deepEqual(rows, [{ two: 2 }]);
});

test('update applies new migrations', async () => {
  writeMigrations(root, { '003_more.sql': `INSERT INTO steps (name) VALUES ('third');` }, 'ordered');

  engine.update([databaseModel('ordered', ordered), databaseModel('broken', broken), databaseModel('plain')]);
  await engine.ready('demo-activity-ordered');

  const { rows } = await engine.query('demo-activity-ordered', { sql: 'SELECT name FROM steps ORDER BY id' });
  assert.deepEqual(rows.map((row) => row.name), ['first', 'second', 'third']);
});

test('update keeps serving after failed migration', async () => {
  writeMigrations(root, { '004_broken.sql': `INSERT INTO steps (name) VALUES ('fourth'); SELECT * FROM missing;` }, 'ordered');

  engine.update([databaseModel('ordered', ordered)]);
  await engine.ready('demo-activity-ordered');

  // The failed migration was rolled back, and the database serves what it had.
  const { rows } = await engine.query('demo-activity-ordered', { sql: 'SELECT name FROM steps ORDER BY id' });
  assert.deepEqual(rows.map((row) => row.name), ['first', 'second', 'third']);
});

test('update opens fixed database again', async () => {
  writeMigrations(root, { '002_broken.sql': 'CREATE TABLE half (id int);' }, 'broken');

  engine.update([databaseModel('broken', broken)]);
  await engine.ready('demo-activity-broken');

  const { rows } = await engine.query('demo-activity-broken', { sql: `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name` });
  assert.deepEqual(rows.map((row) => row.name), ['001_create.sql', '002_broken.sql', '003_later.sql']);
});
