/**
 * Backlogs at scale: how the time and resident memory to take in a backlog,
 * then deliver all of it through an event source mapping, change from 10,000
 * to 1,000,000 records. It is the work a local cloud faces after a long stop
 * or a crash. It complements the engines' own figures in stream-ingest.ts and
 * queue-latency.ts with the mappings' delivery, and measures memory apart:
 * each size runs in a fresh child process, which reports its peak resident
 * set size.
 *
 * - stream: PutRecords in batches of 500 to a stream of 4 shards, then the
 *   mapping reads from TRIM_HORIZON in batches of 100 (Lambda's default),
 *   checkpointing after each batch;
 * - queue: SendMessageBatch in batches of 10, then the mapping receives
 *   batches of 10 (Lambda's default) and deletes each batch its handler took.
 *
 * The handler is a small Invoker in the same process, so the figures cover
 * SQLite, the engines and the mappings, not execution environments.
 * Every record carries 100 bytes. The 1,000,000 size takes minutes; it runs
 * only with `STRATO_BENCH_BACKLOG_MILLION=1`.
 *
 * Run alone with `npx tsx bench/scale-backlog.ts`; `run()` returns the report lines.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { EventSourceMappings } from '../packages/strato/src/local/mappings/index.ts';
import { QueueEngine } from '../packages/strato/src/local/queues/index.ts';
import { StreamEngine } from '../packages/strato/src/local/streams/index.ts';
import { resolveApp, type AppModel } from '../packages/strato/src/model/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const MILLION_FLAG = 'STRATO_BENCH_BACKLOG_MILLION';
const SIZES = process.env[MILLION_FLAG] ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
const KINDS = ['stream', 'queue'] as const;
const CHILD_FLAG = '--backlog-child';
const DATA = 'x'.repeat(100);
const KEYS = Array.from({ length: 1000 }, (_, i) => `device-${i}`);

type Kind = (typeof KINDS)[number];

interface Measurement {
  readonly kind: Kind;
  readonly size: number;
  readonly putMs: number;
  readonly deliverMs: number;
  readonly delivered: number;
  readonly peakRssBytes: number;
}

function benchApp(): AppModel {
  return resolveApp({
    name: 'bench',
    services: {
      backlog: {
        functions: { consume: { handler: 'handlers/noop.handler' } },
        queues: { jobs: { consumer: { function: 'consume' } } },
        streams: { clicks: { shards: 4, consumers: [{ function: 'consume', startingPosition: 'TRIM_HORIZON' }] } },
      },
    },
  }, path.join(import.meta.dirname, '../packages/strato/test/fixtures/clients'));
}

/** Counts the records each invocation receives and resolves once `expected` arrived. */
class CountingInvoker implements Invoker {
  delivered = 0;
  private resolveDone: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(private readonly expected: number) {
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  async invoke(_fn: unknown, event: unknown): Promise<InvokeResult> {
    this.delivered += (event as { Records: unknown[] }).Records.length;
    if (this.delivered >= this.expected) this.resolveDone?.();
    return { ok: true, requestId: 'bench', payload: null };
  }
}

/** Runs one kind at one size in this process: fills the backlog, then lets the mapping deliver it. */
async function measureHere(kind: Kind, size: number): Promise<Measurement> {
  const app = benchApp();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), `strato-bench-backlog-${kind}-`));
  const queues = new QueueEngine({ stateDir, queues: app.queues });
  const streams = new StreamEngine({ stateDir, streams: app.streams });

  const putStarted = performance.now();
  if (kind === 'stream') {
    const name = app.streams[0]!.physicalName;
    const data = Buffer.from(DATA);
    for (let done = 0; done < size; done += 500) {
      const count = Math.min(500, size - done);
      await streams.putRecords(name, Array.from({ length: count }, (_, i) => ({ data, partitionKey: KEYS[(done + i) % KEYS.length]! })));
    }
  } else {
    const name = app.queues[0]!.physicalName;
    for (let done = 0; done < size; done += 10) {
      queues.sendMessageBatch(name, Array.from({ length: Math.min(10, size - done) }, (_, i) => ({ id: String(i), body: DATA })));
    }
  }
  const putMs = performance.now() - putStarted;

  // Only this kind's mapping runs; the other source stays empty.
  const invoker = new CountingInvoker(size);
  const mappings = new EventSourceMappings({ app, invoker, stateDir, queues, streams });
  const deliverStarted = performance.now();
  mappings.start();
  await invoker.done;
  const deliverMs = performance.now() - deliverStarted;

  await mappings.stop();
  queues.close();
  streams.close();
  rmSync(stateDir, { recursive: true, force: true });
  // maxRSS is in kilobytes.
  return { kind, size, putMs, deliverMs, delivered: invoker.delivered, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

/** Runs one measurement in a fresh process, so its peak memory is its own. */
async function measureInChild(kind: Kind, size: number): Promise<Measurement> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', import.meta.filename, CHILD_FLAG, kind, String(size)], {
    maxBuffer: 1024 * 1024,
    cwd: path.dirname(import.meta.dirname),
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measurement;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perSecond = (count: number, ms: number) => `${Math.round(count / (ms / 1000)).toLocaleString('en-US')}/s`;
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

export async function run(): Promise<string[]> {
  const lines = [
    `Backlog at scale, one fresh process per size (sizes ${SIZES.map((size) => size.toLocaleString('en-US')).join(', ')}${process.env[MILLION_FLAG] ? '' : `; set ${MILLION_FLAG}=1 to add 1,000,000`}):`,
  ];
  const baseline = await measureInChild('stream', 0);
  lines.push(`  a process that only loads the engines peaks at ${mib(baseline.peakRssBytes)} resident`);

  for (const kind of KINDS) {
    const put = kind === 'stream' ? 'PutRecords (500 a call)' : 'SendMessageBatch (10 a call)';
    const deliver = kind === 'stream' ? 'mapping reads 100 a batch' : 'mapping receives and deletes 10 a batch';
    lines.push(`  ${kind}: ${put}, then ${deliver}:`);
    for (const size of SIZES) {
      const result = await measureInChild(kind, size);
      lines.push(`    ${size.toLocaleString('en-US').padStart(9)}: put ${seconds(result.putMs)} (${perSecond(size, result.putMs)}), deliver ${seconds(result.deliverMs)} (${perSecond(result.delivered, result.deliverMs)}), peak RSS ${mib(result.peakRssBytes)}`);
    }
  }
  return lines;
}

const childIndex = process.argv.indexOf(CHILD_FLAG);
if (childIndex !== -1) {
  const kind = process.argv[childIndex + 1] as Kind;
  const size = Number(process.argv[childIndex + 2]);
  const result = size === 0
    ? { kind, size, putMs: 0, deliverMs: 0, delivered: 0, peakRssBytes: process.resourceUsage().maxRSS * 1024 }
    : await measureHere(kind, size);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(line);
}
