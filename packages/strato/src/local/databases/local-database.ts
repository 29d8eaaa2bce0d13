/**
 * One SQL database of the local cloud: a PGlite instance whose files live
 * under `<stateDir>/databases/<physicalName>/`, migrated when it opens.
 * NOTE: PGlite runs on the local cloud's main thread, so each statement
 * blocks the event loop while it runs, and creating a new data folder blocks
 * it for longer stretches than reopening one.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { ParserOptions, PGlite } from '@electric-sql/pglite';

import type { DatabaseModel } from '../../model/index.ts';
import type { Logger } from '../../observe/logger.ts';
import { ExclusiveLock } from './exclusive-lock.ts';
import { applyMigrations } from './migrations.ts';

/**
 * Parsers that return what the Data API returns with `formatRecordsAs: 'JSON'`,
 * so handlers read the same values locally and on AWS: a `bigint` column (as
 * `count(*)` has) as a number, and dates and timestamps as text.
 * NOTE: json, jsonb, numeric and array columns keep PGlite's own parsing
 * (objects, text and arrays); their Data API forms were not compared.
 */
const DATA_API_PARSERS: ParserOptions = {
  // Type OIDs from the pg_type catalog: int8, timestamptz, timestamp, date.
  20: (value: string) => {
    const parsed = Number(value);
    // A value past 2^53 would lose digits as a number, so it stays text.
    return Number.isSafeInteger(parsed) ? parsed : value;
  },
  // NOTE: the Data API returns timestamps in UTC without an offset
  // (`2026-12-04 20:50:25.123`); PGlite's text keeps the offset (`+00`).
  1184: (value: string) => value,
  1114: (value: string) => value,
  1082: (value: string) => value,
};

export class LocalDatabase {
  /** Held by each statement, and by a transaction from its begin to its commit or rollback. */
  readonly lock = new ExclusiveLock();
  /** Resolves once the database is open and every migration is applied; rejects with the failed migration. */
  readonly opened: Promise<PGlite>;
  /** True once opening failed; a new model of the application then opens the database again. */
  failed = false;
  /** Migrations that a new model of the application added, being applied. */
  #migrating: Promise<void> = Promise.resolve();
  readonly #logger: Logger;

  constructor(readonly model: DatabaseModel, stateDir: string, logger: Logger) {
    this.#logger = logger;
    const dataDir = path.join(stateDir, 'databases', model.physicalName);
    this.opened = open(model, dataDir, logger);
    // Logged once here; each statement that awaits `opened` gets the same error.
    this.opened.catch((error: unknown) => {
      this.failed = true;
      logger.error('Database "%s" is not available: %s', model.id, error instanceof Error ? error.message : error);
    });
  }

  /** Resolves once the database is open and the migrations applied so far are done; rejects if it failed to open. */
  async ready(): Promise<void> {
    await this.opened;
    await this.#migrating;
  }

  /**
   * Applies the migrations of `migrationsDir` that are new since the database
   * opened, between statements. A failed migration is rolled back and logged,
   * and the database keeps serving with the migrations before it.
   */
  migrate(migrationsDir: string): void {
    this.#migrating = this.#migrating.then(async () => {
      const pg = await this.opened.catch(() => undefined);
      if (!pg) return;
      try {
        const applied = await this.lock.run(() => applyMigrations(pg, migrationsDir, this.model.id));
        if (applied.length > 0) this.#logger.info('Database "%s": applied migrations %s', this.model.id, applied.join(', '));
      } catch (error) {
        this.#logger.error('%s The database keeps serving with the migrations before it.', error instanceof Error ? error.message : error);
      }
    });
  }

  async close(): Promise<void> {
    const pg = await this.opened.catch(() => undefined);
    await this.lock.run(async () => { if (pg && !pg.closed) await pg.close(); });
  }
}

async function open(model: DatabaseModel, dataDir: string, logger: Logger): Promise<PGlite> {
  const startedAt = performance.now();
  mkdirSync(dataDir, { recursive: true });
  // Imported on first use, so that applications without databases start without loading PGlite.
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dataDir, { parsers: DATA_API_PARSERS });
  let applied: string[] = [];
  try {
    if (model.migrationsDir) applied = await applyMigrations(pg, model.migrationsDir, model.id);
  } catch (error) {
    await pg.close();
    throw error;
  }

  // Statements sent before this line waited for it, so the time shows why a first request was slow.
  const migrations = applied.length > 0 ? `, applied migrations ${applied.join(', ')}` : '';
  logger.info('Database "%s" is ready in %d ms%s; data in %s', model.id, Math.round(performance.now() - startedAt), migrations, dataDir);
  return pg;
}
