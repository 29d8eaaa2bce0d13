/**
 * Checkpoints of stream mappings in SQLite (`mappings.sqlite`): for each
 * mapping, shard and lane, the position of the last record whose batch
 * succeeded or was given up. A restarted mapping resumes after it, so a batch
 * that was being processed when the process died is delivered again.
 */
import path from 'node:path';

import type Database from 'better-sqlite3';
import { openDurableDatabase } from '../sqlite.ts';

export const DATABASE_FILE = 'mappings.sqlite';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoints (
    mapping TEXT NOT NULL,
    shard TEXT NOT NULL,
    lane INTEGER NOT NULL,
    lane_count INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (mapping, shard, lane)
  ) WITHOUT ROWID;
`;

export class CheckpointStore {
  readonly #db: Database.Database;
  readonly #select: Database.Statement<[string, string], { lane: number; lane_count: number; position: number }>;
  readonly #upsert: Database.Statement<[string, string, number, number, number]>;
  readonly #deleteShard: Database.Statement<[string, string]>;

  constructor(stateDir: string) {
    this.#db = openDurableDatabase(path.join(stateDir, DATABASE_FILE));
    this.#db.exec(SCHEMA);
    this.#select = this.#db.prepare('SELECT lane, lane_count, position FROM checkpoints WHERE mapping = ? AND shard = ?');
    this.#upsert = this.#db.prepare('INSERT OR REPLACE INTO checkpoints (mapping, shard, lane, lane_count, position) VALUES (?, ?, ?, ?, ?)');
    this.#deleteShard = this.#db.prepare('DELETE FROM checkpoints WHERE mapping = ? AND shard = ?');
  }

  /**
   * Returns the checkpoint of each lane, or undefined when the shard has none.
   * When the lane count changed, every lane starts from the lowest old
   * checkpoint, so no record is skipped; some are delivered again.
   */
  load(mapping: string, shard: string, laneCount: number): number[] | undefined {
    const rows = this.#select.all(mapping, shard);
    if (rows.length === 0) return undefined;
    if (rows.length === laneCount && rows.every((row) => row.lane_count === laneCount)) {
      return rows.sort((a, b) => a.lane - b.lane).map((row) => row.position);
    }

    const lowest = Math.min(...rows.map((row) => row.position));
    this.#db.transaction(() => {
      this.#deleteShard.run(mapping, shard);
      for (let lane = 0; lane < laneCount; lane++) this.#upsert.run(mapping, shard, lane, laneCount, lowest);
    })();
    return Array.from({ length: laneCount }, () => lowest);
  }

  save(mapping: string, shard: string, lane: number, laneCount: number, position: number): void {
    this.#upsert.run(mapping, shard, lane, laneCount, position);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
