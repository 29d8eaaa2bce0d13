/**
 * Durable stream ingest: records per second through the stream engine, where
 * every put resolves only after its records are committed to SQLite (WAL,
 * synchronous NORMAL, which survives a killed process). Three ways to put:
 * PutRecords in batches of 500, PutRecord with 100 calls in flight, and
 * PutRecord one call at a time. Then how ingest time, memory and the database
 * size change from 10,000 to 1,000,000 records (PutRecords batches).
 * Records carry 100 bytes of data and one of 1,000 partition keys, on a
 * stream of 4 shards. Each figure also gives records per second of this
 * process's CPU time, which stays comparable when other work shares the machine.
 *
 * Run alone with `npx tsx bench/stream-ingest.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { StreamEngine } from '../packages/strato/src/local/streams/index.ts';
import type { StreamModel } from '../packages/strato/src/model/index.ts';

const STREAM: StreamModel = {
  kind: 'stream', id: 'bench.events', service: 'bench', name: 'events', physicalName: 'bench-events', envVar: 'STRATO_STREAM_EVENTS',
  shards: 4, retentionHours: 24, consumers: [],
};
const DATA = Buffer.alloc(100, 0x61);
const KEYS = Array.from({ length: 1000 }, (_, i) => `device-${i}`);
const SCALES = [10_000, 100_000, 1_000_000];

function openEngine(): { engine: StreamEngine; dir: string; close(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-stream-'));
  const engine = new StreamEngine({ stateDir: dir, streams: [STREAM] });
  return { engine, dir, close: () => { engine.close(); rmSync(dir, { recursive: true, force: true }); } };
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(work: () => Promise<void>): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function putBatches(engine: StreamEngine, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    const size = Math.min(500, count - done);
    await engine.putRecords(STREAM.physicalName, Array.from({ length: size }, (_, i) => ({ data: DATA, partitionKey: KEYS[(done + i) % KEYS.length]! })));
  }
}

async function putConcurrent(engine: StreamEngine, count: number, inFlight: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await engine.putRecord(STREAM.physicalName, { data: DATA, partitionKey: KEYS[index % KEYS.length]! });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const rate = (count: number, timing: Timing) =>
  `${perSecond(count, timing.wallMs)} records/s (${perSecond(count, timing.cpuMs)} per CPU second)`;
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

export async function run(): Promise<string[]> {
  const lines = ['Stream ingest, durable (each put resolves after its SQLite commit), 100-byte records, 4 shards:'];

  const modes: [string, (engine: StreamEngine) => Promise<void>, number][] = [
    ['PutRecords, batches of 500', (engine) => putBatches(engine, 200_000), 200_000],
    ['PutRecord, 100 in flight', (engine) => putConcurrent(engine, 100_000, 100), 100_000],
    ['PutRecord, one at a time', (engine) => putConcurrent(engine, 10_000, 1), 10_000],
  ];
  for (const [label, put, count] of modes) {
    const { engine, close } = openEngine();
    const timing = await timed(() => put(engine));
    close();
    lines.push(`  ${label}: ${rate(count, timing)}, ${count.toLocaleString('en-US')} records in ${(timing.wallMs / 1000).toFixed(2)} s`);
  }

  lines.push('Ingest by volume (PutRecords, batches of 500): records, time, rate, RSS growth, database size:');
  for (const count of SCALES) {
    global.gc?.();
    const { engine, dir, close } = openEngine();
    const rssBefore = process.memoryUsage().rss;
    const timing = await timed(() => putBatches(engine, count));
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const dbBytes = ['streams.sqlite', 'streams.sqlite-wal'].reduce((total, file) => {
      try { return total + statSync(path.join(dir, file)).size; } catch { return total; }
    }, 0);
    close();
    lines.push(`  ${count.toLocaleString('en-US').padStart(9)}: ${(timing.wallMs / 1000).toFixed(2)} s, ${rate(count, timing)}, RSS +${mib(rssGrowth)}, database ${mib(dbBytes)}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(line);
}
