/**
 * Database queries per second, one statement after another: PGlite called
 * directly in this process, against the same statements sent by a handler
 * in a warm worker thread through `strato/client`, the channel, the
 * resource router and the database engine. The gap is the cost of the
 * channel on the hot path. Two statements: a point select by primary key,
 * and an upsert that increments a counter. The two set-ups take turns for a
 * few rounds and each reports its median round, because WebAssembly tiers up
 * while it runs and the machine's load changes.
 *
 * Run alone with `npx tsx bench/database-query.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { PGlite } from '@electric-sql/pglite';

import { BucketStore } from '../packages/strato/src/local/buckets/index.ts';
import { createDatabaseHandler, DatabaseEngine } from '../packages/strato/src/local/databases/index.ts';
import { createResourceRouter } from '../packages/strato/src/local/router/index.ts';
import { createTableStore } from '../packages/strato/src/local/tables/index.ts';
import { resolveApp, type FunctionModel } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';

const WARMUP_QUERIES = 500;
const QUERIES_PER_ROUND = 1000;
const ROUNDS = 5;

const SCHEMA = `CREATE TABLE counters (name text PRIMARY KEY, value integer NOT NULL DEFAULT 0);
  INSERT INTO counters (name) SELECT 'c' || n FROM generate_series(1, 1000) AS n;`;

const STATEMENTS = [
  { label: 'point select', sql: 'SELECT name, value FROM counters WHERE name = $1', params: ['c500'] },
  {
    label: 'upsert',
    sql: 'INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1',
    params: ['c42'],
  },
] as const;

/** Runs `count` queries in a row on PGlite in this thread and returns the elapsed milliseconds. */
async function runDirect(pg: PGlite, sql: string, params: readonly unknown[], count: number): Promise<number> {
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) await pg.query(sql, [...params]);
  return performance.now() - startedAt;
}

/** Has the handler run `count` queries in a row through the channel and returns the elapsed milliseconds it measured. */
async function runThroughChannel(runtime: FunctionRuntime, fn: FunctionModel, sql: string, params: readonly unknown[], count: number): Promise<number> {
  const result = await runtime.invoke(fn, { sql, params, count });
  if (!result.ok) throw new Error(`the benchmark handler failed: ${JSON.stringify(result.error)}`);
  return (result.payload as { elapsedMs: number }).elapsedMs;
}

function medianRate(elapsedMs: readonly number[]): number {
  const sorted = [...elapsedMs].sort((a, b) => a - b);
  return QUERIES_PER_ROUND / (sorted[Math.floor(sorted.length / 2)]! / 1000);
}

export async function run(): Promise<string[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-database-'));
  const app = resolveApp({
    name: 'bench',
    services: {
      bench: {
        functions: { query: { handler: 'database-query-handler.handler', links: ['bench'], timeout: 60 } },
        databases: { bench: {} },
      },
    },
  }, import.meta.dirname);
  const fn = app.functions[0]!;
  const databases = new DatabaseEngine({ stateDir, databases: app.databases });
  const tables = createTableStore({ stateDir, tables: [] });
  const buckets = new BucketStore({ stateDir, buckets: [] });
  const router = createResourceRouter({ app, buckets, tables, handlers: { database: createDatabaseHandler(databases) } });
  const runtime = new FunctionRuntime({ stateDir, router });
  const direct = await PGlite.create(path.join(stateDir, 'direct'));

  try {
    await databases.query(app.databases[0]!.physicalName, { sql: SCHEMA.split(';')[0]! });
    await databases.query(app.databases[0]!.physicalName, { sql: SCHEMA.split(';')[1]! });
    await direct.exec(SCHEMA);

    const lines = [`Database queries one after another, PGlite with its data in files, median of ${ROUNDS} rounds of ${QUERIES_PER_ROUND}:`];
    for (const { label, sql, params } of STATEMENTS) {
      await runDirect(direct, sql, params, WARMUP_QUERIES);
      await runThroughChannel(runtime, fn, sql, params, WARMUP_QUERIES);
      const directMs: number[] = [];
      const channelMs: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        directMs.push(await runDirect(direct, sql, params, QUERIES_PER_ROUND));
        channelMs.push(await runThroughChannel(runtime, fn, sql, params, QUERIES_PER_ROUND));
      }
      const directPerSecond = medianRate(directMs);
      const channelPerSecond = medianRate(channelMs);

      lines.push(`  ${label}: PGlite in process ${Math.round(directPerSecond)} queries/s; through the channel from a worker ${Math.round(channelPerSecond)} queries/s (${Math.round((channelPerSecond / directPerSecond) * 100)}% of direct)`);
    }
    return lines;
  } finally {
    await runtime.close();
    await databases.close();
    await direct.close();
    tables.close();
    buckets.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(line);
}
