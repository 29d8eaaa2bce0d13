/**
 * The durable store of table change streams: the records of every table
 * that has a stream, each stream's label, the checkpoint of each consumer,
 * and the batches consumers gave up on. It lives in the table store's own
 * SQLite file, on its connection, so a record commits or rolls back with the
 * write that made it.
 */
import type Database from 'better-sqlite3';

export interface StoredRecord {
  /** Position in the stream, from SQLite's rowid: increasing across all tables. */
  readonly seq: number;
  /** The record as JSON. */
  readonly record: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface AbandonedBatch {
  readonly id: number;
  readonly consumerId: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly condition: string;
  readonly error: string;
  readonly failedAt: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS stream_records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tableName TEXT NOT NULL,
    record TEXT NOT NULL,
    createdAt INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS stream_records_by_table ON stream_records (tableName, seq);
  CREATE TABLE IF NOT EXISTS stream_labels (
    tableName TEXT PRIMARY KEY,
    label TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS stream_checkpoints (
    consumerId TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS stream_abandoned (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consumerId TEXT NOT NULL,
    firstSeq INTEGER NOT NULL,
    lastSeq INTEGER NOT NULL,
    condition TEXT NOT NULL,
    error TEXT NOT NULL,
    failedAt INTEGER NOT NULL
  );
`;

export class StreamDb {
  private readonly statements;

  /** Creates the stream tables on the table store's connection, which keeps its own journal settings. */
  constructor(private readonly db: Database.Database) {
    this.db.exec(SCHEMA);

    this.statements = {
      nextSeq: this.db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'stream_records'), 0) + 1 AS seq"),
      append: this.db.prepare('INSERT INTO stream_records (seq, tableName, record, createdAt) VALUES (?, ?, ?, ?)'),
      read: this.db.prepare('SELECT seq, record, createdAt FROM stream_records WHERE tableName = ? AND seq > ? ORDER BY seq LIMIT ?'),
      lastSeq: this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM stream_records WHERE tableName = ?'),
      firstSeqAt: this.db.prepare('SELECT COALESCE(MIN(seq), 0) AS seq FROM stream_records WHERE tableName = ? AND createdAt >= ?'),
      label: this.db.prepare('SELECT label FROM stream_labels WHERE tableName = ?'),
      insertLabel: this.db.prepare('INSERT OR IGNORE INTO stream_labels (tableName, label) VALUES (?, ?)'),
      checkpoint: this.db.prepare('SELECT seq FROM stream_checkpoints WHERE consumerId = ?'),
      saveCheckpoint: this.db.prepare('INSERT INTO stream_checkpoints (consumerId, seq) VALUES (?, ?) ON CONFLICT (consumerId) DO UPDATE SET seq = excluded.seq'),
      abandon: this.db.prepare('INSERT INTO stream_abandoned (consumerId, firstSeq, lastSeq, condition, error, failedAt) VALUES (?, ?, ?, ?, ?, ?)'),
      listAbandoned: this.db.prepare('SELECT * FROM stream_abandoned ORDER BY id LIMIT ?'),
      trim: this.db.prepare('DELETE FROM stream_records WHERE createdAt < ?'),
    };
  }

  /** Appends a record built for the position it will have. Called inside the table write's transaction, which commits it. */
  append(table: string, createdAt: number, build: (seq: number) => string): number {
    const { seq } = this.statements.nextSeq.get() as { seq: number };
    this.statements.append.run(seq, table, build(seq), createdAt);
    return seq;
  }

  read(table: string, afterSeq: number, limit: number): StoredRecord[] {
    return this.statements.read.all(table, afterSeq, limit) as StoredRecord[];
  }

  lastSeq(table: string): number {
    return (this.statements.lastSeq.get(table) as { seq: number }).seq;
  }

  /** Returns the position just before the first record made at or after `time`. */
  seqBefore(table: string, time: number): number {
    const { seq } = this.statements.firstSeqAt.get(table, time) as { seq: number };
    return seq === 0 ? this.lastSeq(table) : seq - 1;
  }

  /** Returns the stream's label, creating it from `now` the first time, as DynamoDB labels a stream with its creation time. */
  label(table: string, now: Date): string {
    this.statements.insertLabel.run(table, now.toISOString().replace(/Z$/, ''));
    return (this.statements.label.get(table) as { label: string }).label;
  }

  checkpoint(consumerId: string): number | undefined {
    return (this.statements.checkpoint.get(consumerId) as { seq: number } | undefined)?.seq;
  }

  saveCheckpoint(consumerId: string, seq: number): void {
    this.statements.saveCheckpoint.run(consumerId, seq);
  }

  /** Records a batch a consumer gave up on and moves its checkpoint past it, in one transaction. */
  abandon(batch: Omit<AbandonedBatch, 'id'>): void {
    this.db.transaction(() => {
      this.statements.abandon.run(batch.consumerId, batch.firstSeq, batch.lastSeq, batch.condition, batch.error, batch.failedAt);
      this.statements.saveCheckpoint.run(batch.consumerId, batch.lastSeq);
    })();
  }

  listAbandoned(limit: number): AbandonedBatch[] {
    return this.statements.listAbandoned.all(limit) as AbandonedBatch[];
  }

  /** Deletes records made before `time`, as a stream keeps records for 24 hours. */
  trim(time: number): void {
    this.statements.trim.run(time);
  }
}
