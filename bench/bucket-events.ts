/**
 * Bucket event latency: the time from the start of a put to the start of
 * the notified function's handler, through the durable asynchronous queue.
 * Puts run one at a time, each waiting for its handler, so the figures are
 * latencies, not throughput.
 *
 * The handler runs in this process through a small Invoker, so the figures
 * cover the store, the notification, the SQLite queue and the delivery loop.
 * NOTE: they leave out the function runtime's own dispatch to an execution
 * environment, which the gateway benchmark measures.
 *
 * Run alone with `npx tsx bench/bucket-events.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { AsyncInvoker } from '../packages/strato/src/local/async/index.ts';
import { BucketNotifier, BucketStore } from '../packages/strato/src/local/buckets/index.ts';
import type { BucketModel, FunctionModel } from '../packages/strato/src/model/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const WARMUP_PUTS = 50;
const MEASURED_PUTS = 1000;
const BODY = Buffer.alloc(4096, 1);
/** The target from the design: bucket event to handler start under 5 ms at the median. */
const TARGET_P50_MS = 5;

const onUpload: FunctionModel = {
  id: 'bench.on-upload',
  service: 'bench',
  name: 'on-upload',
  physicalName: 'bench-bench-on-upload',
  handler: 'on-upload.handler',
  handlerFile: '/bench/on-upload.ts',
  handlerExport: 'handler',
  runtime: 'nodejs20.x',
  memoryMB: 128,
  timeoutSeconds: 3,
  environment: {},
  links: [],
  async: { maxRetryAttempts: 2, maxEventAgeSeconds: 21600 },
};

const bucket: BucketModel = {
  kind: 'bucket',
  id: 'bench.uploads',
  service: 'bench',
  name: 'uploads',
  physicalName: 'bench-bench-uploads',
  envVar: 'STRATO_BUCKET_UPLOADS',
  notifications: [{ functionId: onUpload.id, events: ['s3:ObjectCreated:*'], prefix: '', suffix: '' }],
};

/** Resolves the waiter of each key when its event reaches the handler. */
class HandlerStarts implements Invoker {
  private readonly waiters = new Map<string, (startedAt: number) => void>();

  started(key: string): Promise<number> {
    return new Promise((resolve) => this.waiters.set(key, resolve));
  }

  async invoke(_fn: FunctionModel, event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    const startedAt = performance.now();
    const key = (event as { Records: { s3: { object: { key: string } } }[] }).Records[0]!.s3.object.key;
    this.waiters.get(key)?.(startedAt);
    this.waiters.delete(key);
    return { ok: true, requestId: options.requestId ?? '', payload: null };
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

export async function run(): Promise<string[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-buckets-'));
  const invoker = new HandlerStarts();
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: (id) => (id === onUpload.id ? onUpload : undefined) });
  const store = new BucketStore({ stateDir, buckets: [bucket], listener: new BucketNotifier({ buckets: [bucket], queue: asyncInvoker }) });

  const toHandler: number[] = [];
  const toAck: number[] = [];
  try {
    for (let i = 0; i < WARMUP_PUTS + MEASURED_PUTS; i++) {
      const key = `photos/${i}.jpg`;
      const started = invoker.started(key);
      const begin = performance.now();
      await store.put({ bucket: bucket.physicalName, key, body: BODY, contentType: 'image/jpeg' });
      const acked = performance.now();
      const handlerStart = await started;
      if (i < WARMUP_PUTS) continue;
      toAck.push(acked - begin);
      toHandler.push(handlerStart - begin);
    }
  } finally {
    await asyncInvoker.close();
    store.close();
    rmSync(stateDir, { recursive: true, force: true });
  }

  toHandler.sort((a, b) => a - b);
  toAck.sort((a, b) => a - b);
  const p50 = percentile(toHandler, 0.5);
  return [
    `bucket events: ${MEASURED_PUTS} puts of ${BODY.length} bytes, one at a time, handler in process`,
    `  put acknowledged (object and event on disk): p50 ${percentile(toAck, 0.5).toFixed(2)} ms, p99 ${percentile(toAck, 0.99).toFixed(2)} ms`,
    `  put to handler start: p50 ${p50.toFixed(2)} ms, p99 ${percentile(toHandler, 0.99).toFixed(2)} ms (target p50 under ${TARGET_P50_MS} ms: ${p50 < TARGET_P50_MS ? 'met' : 'missed'})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
