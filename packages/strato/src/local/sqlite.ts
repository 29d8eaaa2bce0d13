import { mkdirSync } from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

/**
 * Opens a store's SQLite file, creating its folder, in the mode every store
 * of the local cloud uses. WAL lets readers run beside the single writer, and
 * `synchronous = NORMAL` keeps every commit through a killed process (the
 * failure the local cloud must survive) without an fsync per commit, so a
 * power cut may lose the last commits.
 */
export function openDurableDatabase(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
