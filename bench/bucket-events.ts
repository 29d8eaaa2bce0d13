/**
 * Bucket event latency: the time from the start of a put to the start of
 * the notified function's handler, through the durable asynchronous queue.
 * Puts run one at a time, each waiting for its handler, so the figures are
 * latencies, not throughput.
 *
 * Two set-ups run side by side:
 * - in process: a small Invoker calls the handler in this thread, so the
 *   figure covers the store, the notification, the SQLite queue and the
 *   delivery loop;
 * - runtime: the real function runtime runs the handler in a warm execution
 *   environment, adding its dispatch.
 *
 * Run alone with `npx tsx bench/bucket-events.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { AsyncInvoker, type DeliveryOutcome } from '../packages/strato/src/local/async/index.ts';
import { BucketNotifier, BucketStore } from '../packages/strato/src/local/buckets/index.ts';
import { resolveApp, type AppModel } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const WARMUP_PUTS = 50;
const MEASURED_PUTS = 1000;
const BODY = Buffer.alloc(4096, 1);
/** Strato's target for bucket event to handler start: under 5 ms at the median. */
const TARGET_P50_MS = 5;

/** Handler start times by object key, resolved as the handlers report them. */
class HandlerStarts {
  private readonly waiters = new Map<string, (startedAt: number) => void>();

  /** Returns a promise of the wall-clock time, in epoch milliseconds, at which the handler for `key` started. */
  started(key: string): Promise<number> {
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }

  report(key: string, startedAt: number): void {
    this.waiters.get(key)?.(startedAt);
    this.waiters.delete(key);
  }
}

/** Runs the handler's work in this thread: it reports its start and returns. */
class InProcessInvoker implements Invoker {
  constructor(private readonly starts: HandlerStarts) {}

  async invoke(_fn: unknown, event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    const startedAt = performance.timeOrigin + performance.now();
    this.starts.report((event as { Records: { s3: { object: { key: string } } }[] }).Records[0]!.s3.object.key, startedAt);
    return { ok: true, requestId: options.requestId ?? '', payload: null };
  }
}

function benchApp(): AppModel {
  return resolveApp({
    name: 'bench',
    services: {
      media: {
        functions: { 'on-upload': { handler: 'bucket-events-handler.handler' } },
        buckets: { uploads: { notifications: [{ function: 'on-upload', events: ['s3:ObjectCreated:*'] }] } },
      },
    },
  }, import.meta.dirname);
}

interface Timings {
  readonly toAck: number[];
  readonly toHandler: number[];
}

/** Puts objects one at a time and records, for each, the time to the put's return and to the handler's start. */
async function measure(store: BucketStore, bucket: string, starts: HandlerStarts): Promise<Timings> {
  const timings: Timings = { toAck: [], toHandler: [] };
  for (let i = 0; i < WARMUP_PUTS + MEASURED_PUTS; i++) {
    const key = `photos/${i}.jpg`;
    const started = starts.started(key);
    const begin = performance.timeOrigin + performance.now();
    await store.put({ bucket, key, body: BODY, contentType: 'image/jpeg' });
    const acked = performance.timeOrigin + performance.now();
    const handlerStart = await started;
    if (i < WARMUP_PUTS) continue;
    timings.toAck.push(acked - begin);
    timings.toHandler.push(handlerStart - begin);
  }
  return timings;
}

/** Starts the store and queue with the given invoker, measures, and removes the state. */
async function runSetUp(app: AppModel, starts: HandlerStarts, makeInvoker: (stateDir: string) => Invoker & { close?(): Promise<void> }): Promise<Timings> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-buckets-'));
  const invoker = makeInvoker(stateDir);
  const onOutcome = (outcome: DeliveryOutcome) => {
    if (outcome.type !== 'succeeded' || outcome.result === null) return;
    const { key, startedAt } = outcome.result as { key: string; startedAt: number };
    starts.report(key, startedAt);
  };
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: (id) => app.functions.find((fn) => fn.id === id), onOutcome });
  const store = new BucketStore({ stateDir, buckets: app.buckets, listener: new BucketNotifier({ buckets: app.buckets, queue: asyncInvoker }) });
  try {
    return await measure(store, app.buckets[0]!.physicalName, starts);
  } finally {
    await asyncInvoker.close();
    await invoker.close?.();
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function describe(name: string, timings: Timings): string[] {
  const p50 = percentile(timings.toHandler, 0.5);
  return [
    `  ${name}: put returned p50 ${percentile(timings.toAck, 0.5).toFixed(2)} ms, p99 ${percentile(timings.toAck, 0.99).toFixed(2)} ms;`
      + ` put to handler start p50 ${p50.toFixed(2)} ms, p99 ${percentile(timings.toHandler, 0.99).toFixed(2)} ms`
      + ` (target p50 under ${TARGET_P50_MS} ms: ${p50 < TARGET_P50_MS ? 'met' : 'missed'})`,
  ];
}

export async function run(): Promise<string[]> {
  const app = benchApp();
  const inProcessStarts = new HandlerStarts();
  const inProcess = await runSetUp(app, inProcessStarts, () => new InProcessInvoker(inProcessStarts));
  const runtime = await runSetUp(app, new HandlerStarts(), (stateDir) => new FunctionRuntime({ stateDir }));

  return [
    `bucket events: ${MEASURED_PUTS} puts of ${BODY.length} bytes, one at a time, after ${WARMUP_PUTS} warm-up puts`,
    ...describe('in process', inProcess),
    ...describe('runtime   ', runtime),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
