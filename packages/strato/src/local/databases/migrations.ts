/**
 * Migrations: the `.sql` files of a database's migrations folder, applied in
 * file name order, each once, each in its own transaction. The names of the
 * applied files are kept in the `strato_migrations` table of the database.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { PGlite } from '@electric-sql/pglite';

import { isPostgresError } from './errors.ts';

export const MIGRATIONS_TABLE = 'strato_migrations';

/** A migration that failed; the database keeps every migration before it. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';

  constructor(readonly file: string, readonly sqlState: string | undefined, message: string) {
    super(message);
  }
}

/** Applies the migrations of `folder` that the database has not applied yet, and returns their file names. */
export async function applyMigrations(pg: PGlite, folder: string, databaseId: string): Promise<string[]> {
  await pg.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = new Set((await pg.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`)).rows.map((row) => row.name));

  const pending = (await migrationFiles(folder)).filter((file) => !applied.has(file));
  for (const file of pending) {
    const sql = await readFile(path.join(folder, file), 'utf8');
    try {
      await pg.transaction(async (tx) => {
        await tx.exec(sql);
        await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (name) VALUES ($1)`, [file]);
      });
    } catch (error) {
      throw migrationError(error, path.join(folder, file), databaseId);
    }
  }
  return pending;
}

/** Lists the `.sql` files of the folder, sorted by code point so that `001_` comes before `010_` and `a` after `Z`. */
async function migrationFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => entry.name)
    .sort(compareCodePoints);
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function migrationError(error: unknown, file: string, databaseId: string): MigrationError {
  const reason = isPostgresError(error) ? `${error.message} (SQLSTATE ${error.code})` : String(error instanceof Error ? error.message : error);
  const sqlState = isPostgresError(error) ? error.code : undefined;
  return new MigrationError(
    file,
    sqlState,
    `Migration ${file} of database "${databaseId}" failed: ${reason}. The migration was rolled back and later ones were not applied. Fix the file and restart the local cloud.`,
  );
}
