/**
 * The application the client and router tests run: service `photos` with a
 * table and two buckets, and service `users` with a table of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { BucketStore } from '../../src/local/buckets/index.ts';
import { createResourceRouter, type Presigner } from '../../src/local/router/index.ts';
import { createTableStore, type TableStore } from '../../src/local/tables/index.ts';
import { resolveApp, type AppModel, type FunctionConfig } from '../../src/model/index.ts';
import type { ResourceRouter } from '../../src/runtime/channel.ts';

export const FIXTURE_ROOT = path.join(import.meta.dirname, '../fixtures/clients');

/** Builds the fixture application; `handlers` overrides the handler of each function. */
export function fixtureApp(handlers: Partial<Record<'writer' | 'reader' | 'editor', string>> = {}): AppModel {
  const fn = (name: 'writer' | 'reader' | 'editor', links: string[]): FunctionConfig =>
    ({ handler: handlers[name] ?? 'handlers/noop.handler', links, timeout: 10 });

  return resolveApp({
    name: 'demo',
    services: {
      photos: {
        functions: {
          writer: fn('writer', ['photos', 'originals', 'scores']),
          reader: fn('reader', ['photos']),
        },
        buckets: { originals: {}, private: {} },
        tables: {
          photos: { partitionKey: 'owner', sortKey: 'id', indexes: { 'by-status': { partitionKey: 'status', sortKey: 'id' } } },
          scores: { partitionKey: 'game', sortKey: 'score', sortKeyType: 'number' },
        },
      },
      users: {
        functions: { editor: fn('editor', ['profiles']) },
        tables: { profiles: { partitionKey: 'id' } },
      },
    },
  }, FIXTURE_ROOT);
}

export interface LocalStores {
  readonly app: AppModel;
  readonly router: ResourceRouter;
  readonly buckets: BucketStore;
  readonly tables: TableStore;
  readonly stateDir: string;
}

/** A presigner that returns readable fake URLs, for tests that check only what the router passes on. */
export const recordingPresigner: Presigner = {
  presign: ({ bucket, key, method, expiresIn, contentType }) =>
    `http://127.0.0.1/presigned/${method}/${bucket}/${key}?expires=${expiresIn}&type=${contentType ?? ''}`,
};

/** Opens real stores in a temporary folder and a router over them, closed when the test ends. */
export function openLocalStores(t: TestContext, app: AppModel = fixtureApp()): LocalStores {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-router-'));
  const tables = createTableStore({ stateDir, tables: app.tables });
  const buckets = new BucketStore({ stateDir, buckets: app.buckets });
  const router = createResourceRouter({ app, buckets, tables, presigner: recordingPresigner });

  t.after(() => {
    tables.close();
    buckets.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return { app, router, buckets, tables, stateDir };
}
