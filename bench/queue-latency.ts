/**
 * Queue latency and volume. Latency: the time from the start of a
 * `sendMessage` call to the start of the consumer's handler, through the
 * durable queue and the event source mapping's long poll. Messages are sent
 * one at a time, each waiting for its handler, so the figures are latencies,
 * not throughput. Two set-ups run side by side:
 * - in process: a small Invoker calls the handler in this thread, so the
 *   figure covers the queue engine and the mapping;
 * - runtime: the real function runtime runs the handler in a warm execution
 *   environment, adding its dispatch.
 * Volume: how the time and memory to send, then receive and delete, change
 * from 10,000 to 1,000,000 messages of 100 bytes (batches of 10 sent, batches
 * of 1,000 received as a mapping receives them).
 *
 * Run alone with `npx tsx bench/queue-latency.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { QueueMapping } from '../packages/strato/src/local/mappings/index.ts';
import { QueueEngine } from '../packages/strato/src/local/queues/index.ts';
import { resolveApp, type AppModel, type FunctionModel, type QueueModel } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const WARMUP_MESSAGES = 50;
const MEASURED_MESSAGES = 1000;
const VOLUMES = [10_000, 100_000, 1_000_000];
const BODY = 'x'.repeat(100);

/** Handler start times by message body, resolved as the handlers report them. */
class HandlerStarts {
  private readonly waiters = new Map<string, (startedAt: number) => void>();

  started(body: string): Promise<number> {
    return new Promise((resolve) => this.waiters.set(body, resolve));
  }

  report(body: string, startedAt: number): void {
    this.waiters.get(body)?.(startedAt);
    this.waiters.delete(body);
  }
}

/** Runs the handler's work in this thread: it reports its start and returns. */
class InProcessInvoker implements Invoker {
  constructor(private readonly starts: HandlerStarts) {}

  async invoke(_fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const startedAt = performance.timeOrigin + performance.now();
    for (const record of (event as { Records: { body: string }[] }).Records) this.starts.report(record.body, startedAt);
    return { ok: true, requestId: '', payload: null };
  }
}

/** Runs the real runtime and reports the start times the handler returns. */
class ReportingRuntime implements Invoker {
  readonly runtime: FunctionRuntime;

  constructor(stateDir: string, private readonly starts: HandlerStarts) {
    this.runtime = new FunctionRuntime({ stateDir });
  }

  async invoke(fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const result = await this.runtime.invoke(fn, event);
    if (result.ok) {
      const { bodies, startedAt } = result.payload as { bodies: string[]; startedAt: number };
      for (const body of bodies) this.starts.report(body, startedAt);
    }
    return result;
  }
}

function benchApp(): AppModel {
  return resolveApp({
    name: 'bench',
    services: {
      jobs: {
        functions: { consume: { handler: 'queue-latency-handler.handler' } },
        queues: { work: { consumer: { function: 'consume', batchSize: 10 } } },
      },
    },
  }, import.meta.dirname);
}

async function measureLatency(app: AppModel, makeInvoker: (stateDir: string, starts: HandlerStarts) => Invoker & { runtime?: FunctionRuntime }): Promise<number[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-queue-'));
  const starts = new HandlerStarts();
  const invoker = makeInvoker(stateDir, starts);
  const queue = app.queues[0]! as QueueModel & { consumer: NonNullable<QueueModel['consumer']> };
  const queues = new QueueEngine({ stateDir, queues: app.queues });
  const mapping = new QueueMapping({ queues, queue, fn: app.functions[0]!, invoker, region: 'us-east-1' });
  mapping.start();

  const latencies: number[] = [];
  try {
    for (let i = 0; i < WARMUP_MESSAGES + MEASURED_MESSAGES; i++) {
      const body = `message-${i}`;
      const handlerStarted = starts.started(body);
      const sentAt = performance.timeOrigin + performance.now();
      queues.sendMessage(queue.physicalName, { body });
      const startedAt = await handlerStarted;
      if (i >= WARMUP_MESSAGES) latencies.push(startedAt - sentAt);
    }
  } finally {
    await mapping.stop();
    await invoker.runtime?.close();
    queues.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return latencies;
}

async function measureVolume(app: AppModel, count: number): Promise<string> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-queue-'));
  const queues = new QueueEngine({ stateDir, queues: app.queues });
  const name = app.queues[0]!.physicalName;
  const rssBefore = process.memoryUsage().rss;

  const sendStarted = performance.now();
  for (let sent = 0; sent < count; sent += 10) {
    queues.sendMessageBatch(name, Array.from({ length: 10 }, (_, i) => ({ id: String(i), body: BODY })));
  }
  const sendMs = performance.now() - sendStarted;
  const dbBytes = ['queues.sqlite', 'queues.sqlite-wal'].reduce((total, file) => {
    try { return total + statSync(path.join(stateDir, file)).size; } catch { return total; }
  }, 0);

  const drainStarted = performance.now();
  for (;;) {
    const messages = await queues.receiveBatch(name, { max: 1000, waitMs: 0 });
    if (messages.length === 0) break;
    queues.deleteMessages(name, messages.map((message) => message.receiptHandle));
  }
  const drainMs = performance.now() - drainStarted;
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  queues.close();
  rmSync(stateDir, { recursive: true, force: true });

  const rate = (ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
  return `  ${count.toLocaleString('en-US').padStart(9)}: send ${(sendMs / 1000).toFixed(2)} s (${rate(sendMs)}/s), receive and delete ${(drainMs / 1000).toFixed(2)} s (${rate(drainMs)}/s), RSS +${(rssGrowth / 1_048_576).toFixed(1)} MiB, database ${(dbBytes / 1_048_576).toFixed(1)} MiB`;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const latencyLine = (name: string, latencies: number[]) =>
  `  ${name}: send to handler start p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`;

export async function run(): Promise<string[]> {
  const app = benchApp();
  const lines = [`Queue send to handler start, ${MEASURED_MESSAGES} messages one at a time, through the event source mapping:`];
  lines.push(latencyLine('in process', await measureLatency(app, (_stateDir, starts) => new InProcessInvoker(starts))));
  lines.push(latencyLine('runtime, warm environment', await measureLatency(app, (stateDir, starts) => new ReportingRuntime(stateDir, starts))));

  lines.push('Queue volume, durable sends of 100-byte messages:');
  for (const count of VOLUMES) lines.push(await measureVolume(app, count));
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(line);
}
