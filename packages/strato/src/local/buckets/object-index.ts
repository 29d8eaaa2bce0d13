/**
 * The metadata index of every bucket, in one SQLite file. Keys are stored as
 * BLOBs of their UTF-8 bytes, so SQLite's byte comparison gives S3's listing
 * order (UTF-8 binary order) and range scans serve prefixes.
 */
import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export interface IndexRow {
  readonly key: Buffer;
  /** Content file, relative to the bucket folder. */
  readonly file: string;
  readonly size: number;
  /** Hex MD5, without quotes. */
  readonly md5: string;
  readonly contentType: string;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  /** User metadata as JSON. */
  readonly metadata: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key BLOB NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    md5 TEXT NOT NULL,
    contentType TEXT NOT NULL,
    lastModified INTEGER NOT NULL,
    metadata TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    change TEXT NOT NULL
  );
`;

const COLUMNS = 'key, file, size, md5, contentType, lastModified, metadata';

export class ObjectIndex {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[string, Buffer], IndexRow>;
  private readonly upsertOne: Database.Statement<[string, Buffer, string, number, string, string, number, string]>;
  private readonly deleteOne: Database.Statement<[string, Buffer]>;
  private readonly scanFrom: Database.Statement<[string, Buffer, number], IndexRow>;
  private readonly scanRange: Database.Statement<[string, Buffer, Buffer, number], IndexRow>;
  private readonly selectFiles: Database.Statement<[string], { file: string }>;
  private readonly insertChange: Database.Statement<[string]>;
  private readonly deleteChange: Database.Statement<[number]>;
  private readonly selectChanges: Database.Statement<[], { id: number; change: string }>;

  constructor(file: string) {
    this.db = openDurableDatabase(file);
    this.db.exec(SCHEMA);

    this.selectOne = this.db.prepare(`SELECT ${COLUMNS} FROM objects WHERE bucket = ? AND key = ?`);
    this.upsertOne = this.db.prepare('INSERT OR REPLACE INTO objects (bucket, key, file, size, md5, contentType, lastModified, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.deleteOne = this.db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?');
    this.scanFrom = this.db.prepare(`SELECT ${COLUMNS} FROM objects WHERE bucket = ? AND key >= ? ORDER BY key LIMIT ?`);
    this.scanRange = this.db.prepare(`SELECT ${COLUMNS} FROM objects WHERE bucket = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?`);
    this.selectFiles = this.db.prepare('SELECT file FROM objects WHERE bucket = ?');
    this.insertChange = this.db.prepare('INSERT INTO changes (change) VALUES (?)');
    this.deleteChange = this.db.prepare('DELETE FROM changes WHERE id = ?');
    this.selectChanges = this.db.prepare('SELECT id, change FROM changes ORDER BY id');
  }

  get(bucket: string, key: Buffer): IndexRow | undefined {
    return this.selectOne.get(bucket, key);
  }

  /**
   * Stores the row and, in the same transaction, the change to report (see
   * `pendingChanges`). Returns the content file of the row it replaced, if
   * any, and the id of the stored change.
   */
  put(bucket: string, row: IndexRow, change?: string): { replacedFile?: string; changeId?: number } {
    return this.db.transaction(() => {
      const previous = this.selectOne.get(bucket, row.key);
      this.upsertOne.run(bucket, row.key, row.file, row.size, row.md5, row.contentType, row.lastModified, row.metadata);
      return { replacedFile: previous?.file, changeId: this.addChange(change) };
    })();
  }

  /** Removes the row and stores the change to report, in one transaction. Returns the row's content file, if it had one. */
  delete(bucket: string, key: Buffer, change?: string): { removedFile?: string; changeId?: number } {
    return this.db.transaction(() => {
      const previous = this.selectOne.get(bucket, key);
      if (previous) this.deleteOne.run(bucket, key);
      return { removedFile: previous?.file, changeId: this.addChange(change) };
    })();
  }

  /** Forgets a change once its listener has taken it. */
  changeReported(id: number): void {
    this.deleteChange.run(id);
  }

  /** Returns changes stored but never reported, because the process stopped between the write and the listener. */
  pendingChanges(): { id: number; change: string }[] {
    return this.selectChanges.all();
  }

  /** Returns up to `limit` rows with keys in [from, below), in key order; no `below` means no upper end. */
  scan(bucket: string, from: Buffer, below: Buffer | undefined, limit: number): IndexRow[] {
    return below === undefined
      ? this.scanFrom.all(bucket, from, limit)
      : this.scanRange.all(bucket, from, below, limit);
  }

  /** Returns every content file the bucket's rows refer to. */
  filesOf(bucket: string): Set<string> {
    return new Set(this.selectFiles.all(bucket).map((row) => row.file));
  }

  close(): void {
    this.db.close();
  }

  private addChange(change: string | undefined): number | undefined {
    return change === undefined ? undefined : Number(this.insertChange.run(change).lastInsertRowid);
  }
}
