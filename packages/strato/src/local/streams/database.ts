/**
 * The SQLite file behind the streams: an append-only log of records per
 * shard, keyed by the record's position in its shard. Arrival times grow with
 * the position, so a scan in position order finds the first record at or
 * after a time.
 */
import path from 'node:path';

import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export const DATABASE_FILE = 'streams.sqlite';

export interface RecordRow {
  readonly position: number;
  readonly partition_key: string;
  readonly data: Buffer;
  /** Epoch milliseconds. */
  readonly arrival_ms: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS streams (
    name TEXT PRIMARY KEY,
    created_seconds INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS shards (
    shard_key INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    shard_index INTEGER NOT NULL,
    UNIQUE (stream, shard_index)
  );
  CREATE TABLE IF NOT EXISTS records (
    shard_key INTEGER NOT NULL,
    position INTEGER NOT NULL,
    partition_key TEXT NOT NULL,
    data BLOB NOT NULL,
    arrival_ms INTEGER NOT NULL,
    PRIMARY KEY (shard_key, position)
  ) WITHOUT ROWID;
`;

export class StreamDatabase {
  readonly #db: Database.Database;
  readonly #runInTransaction: (work: () => unknown) => unknown;

  readonly selectStream: Database.Statement<[string], { created_seconds: number }>;
  readonly insertStream: Database.Statement<[string, number]>;
  readonly selectShardKey: Database.Statement<[string, number], { shard_key: number }>;
  readonly insertShard: Database.Statement<[string, number]>;
  readonly insertRecord: Database.Statement<[number, number, string, Uint8Array, number]>;
  readonly selectFrom: Database.Statement<[number, number, number], RecordRow>;
  readonly selectLast: Database.Statement<[number], { position: number; arrival_ms: number }>;
  readonly selectFirst: Database.Statement<[number], { position: number; arrival_ms: number }>;
  readonly selectFirstArrivedAtOrAfter: Database.Statement<[number, number], { position: number }>;
  readonly selectArrival: Database.Statement<[number, number], { arrival_ms: number }>;
  readonly deleteBefore: Database.Statement<[number, number]>;

  constructor(stateDir: string) {
    this.#db = openDurableDatabase(path.join(stateDir, DATABASE_FILE));
    // A larger page cache keeps the b-tree pages that appends touch in memory as the log grows past SQLite's 2 MiB default.
    this.#db.pragma('cache_size = -65536');
    this.#db.exec(SCHEMA);

    const db = this.#db;
    this.#runInTransaction = db.transaction((work: () => unknown) => work());
    this.selectStream = db.prepare('SELECT created_seconds FROM streams WHERE name = ?');
    this.insertStream = db.prepare('INSERT INTO streams (name, created_seconds) VALUES (?, ?)');
    this.selectShardKey = db.prepare('SELECT shard_key FROM shards WHERE stream = ? AND shard_index = ?');
    this.insertShard = db.prepare('INSERT INTO shards (stream, shard_index) VALUES (?, ?)');
    this.insertRecord = db.prepare('INSERT INTO records (shard_key, position, partition_key, data, arrival_ms) VALUES (?, ?, ?, ?, ?)');
    this.selectFrom = db.prepare('SELECT position, partition_key, data, arrival_ms FROM records WHERE shard_key = ? AND position >= ? ORDER BY position LIMIT ?');
    this.selectLast = db.prepare('SELECT position, arrival_ms FROM records WHERE shard_key = ? ORDER BY position DESC LIMIT 1');
    this.selectFirst = db.prepare('SELECT position, arrival_ms FROM records WHERE shard_key = ? ORDER BY position LIMIT 1');
    this.selectFirstArrivedAtOrAfter = db.prepare('SELECT position FROM records WHERE shard_key = ? AND arrival_ms >= ? ORDER BY position LIMIT 1');
    this.selectArrival = db.prepare('SELECT arrival_ms FROM records WHERE shard_key = ? AND position = ?');
    this.deleteBefore = db.prepare('DELETE FROM records WHERE shard_key = ? AND position < ?');
  }

  /** Runs the work in one transaction: one commit, and all or nothing. */
  transaction<T>(work: () => T): T {
    return this.#runInTransaction(work) as T;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
