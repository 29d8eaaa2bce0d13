import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { createTableStore, type KeySchema, type TableStore } from '../../src/local/tables/index.ts';

/** Tables with each key shape the store supports. */
export const TABLES = {
  /** Partition key only. */
  users: { physicalName: 'demo-users-profiles', partitionKey: 'id', sortKeyType: 'string' },
  /** String sort key. */
  photos: { physicalName: 'demo-photos-photos', partitionKey: 'owner', sortKey: 'id', sortKeyType: 'string' },
  /** Number sort key. */
  scores: { physicalName: 'demo-games-scores', partitionKey: 'game', sortKey: 'score', sortKeyType: 'number' },
} as const satisfies Record<string, KeySchema>;

/** Opens a store on a new temporary folder, closed and removed when the test ends. */
export function openStore(t: TestContext): { store: TableStore; stateDir: string } {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-tables-'));
  const store = createTableStore({ stateDir, tables: Object.values(TABLES) });
  t.after(() => {
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { store, stateDir };
}

/** Returns the error a function throws, failing the test when it throws none. */
export function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}
