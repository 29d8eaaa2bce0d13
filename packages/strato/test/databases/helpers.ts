/** Shared set-up for the database tests: database models, state and migration folders in a temp dir. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DatabaseEngine } from '../../src/local/databases/index.ts';
import type { DatabaseModel } from '../../src/model/index.ts';

export function tempDir(t: { after(fn: () => void): void }, prefix = 'strato-databases-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Returns a database of service `activity` in application `demo`. */
export function databaseModel(name: string, migrationsDir?: string): DatabaseModel {
  return {
    kind: 'database',
    id: `activity.${name}`,
    service: 'activity',
    name,
    physicalName: `demo-activity-${name}`,
    envVar: `STRATO_DATABASE_${name.toUpperCase().replaceAll('-', '_')}`,
    migrationsDir,
  };
}

/** Writes migration files into a new folder and returns its path. */
export function writeMigrations(root: string, files: Readonly<Record<string, string>>, folder = 'migrations'): string {
  const dir = path.join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

/** Opens an engine that the test closes when it ends. */
export function openEngine(t: { after(fn: () => Promise<void>): void }, stateDir: string, databases: readonly DatabaseModel[]): DatabaseEngine {
  const engine = new DatabaseEngine({ stateDir, databases });
  t.after(() => engine.close());
  return engine;
}

/** Awaits a promise that must reject, and returns its error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('the promise resolved; it should have rejected');
}
