/**
 * Stream end-to-end latency at a steady rate: the time from the start of a
 * `putRecord` call to the start of the consumer's handler for the batch that
 * holds the record, through the durable log and the event source mapping.
 * Records are put at a fixed rate on a stream of 2 shards whose mapping has
 * a batch size of 100 and no batching window. Two set-ups run side by side:
 * - in process: a small Invoker calls the handler in this thread, so the
 *   figure covers the stream engine and the mapping;
 * - runtime: the real function runtime runs the handler in a warm execution
 *   environment, adding its dispatch.
 *
 * Run alone with `npx tsx bench/stream-latency.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { EventSourceMappings } from '../packages/strato/src/local/mappings/index.ts';
import { StreamEngine } from '../packages/strato/src/local/streams/index.ts';
import { resolveApp, type AppModel, type FunctionModel } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const RATES = [1_000, 5_000];
const SECONDS = 3;

/** Handler start times by record id. */
class HandlerStarts {
  readonly startedAt = new Map<string, number>();
  #remaining = 0;
  #done: (() => void) | undefined;

  expect(count: number): Promise<void> {
    this.#remaining = count;
    return new Promise((resolve) => { this.#done = resolve; });
  }

  report(ids: readonly string[], startedAt: number): void {
    for (const id of ids) this.startedAt.set(id, startedAt);
    this.#remaining -= ids.length;
    if (this.#remaining <= 0) this.#done?.();
  }
}

class InProcessInvoker implements Invoker {
  constructor(private readonly starts: HandlerStarts) {}

  async invoke(_fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const startedAt = performance.timeOrigin + performance.now();
    const ids = (event as { Records: { kinesis: { data: string } }[] }).Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString());
    this.starts.report(ids, startedAt);
    return { ok: true, requestId: '', payload: null };
  }
}

class ReportingRuntime implements Invoker {
  readonly runtime: FunctionRuntime;

  constructor(stateDir: string, private readonly starts: HandlerStarts) {
    this.runtime = new FunctionRuntime({ stateDir });
  }

  async invoke(fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const result = await this.runtime.invoke(fn, event);
    if (result.ok) {
      const { ids, startedAt } = result.payload as { ids: string[]; startedAt: number };
      this.starts.report(ids, startedAt);
    }
    return result;
  }
}

function benchApp(): AppModel {
  return resolveApp({
    name: 'bench',
    services: {
      activity: {
        functions: { count: { handler: 'stream-latency-handler.handler' } },
        streams: { events: { shards: 2, consumers: [{ function: 'count', batchSize: 100, startingPosition: 'LATEST' }] } },
      },
    },
  }, import.meta.dirname);
}

async function measure(app: AppModel, rate: number, makeInvoker: (stateDir: string, starts: HandlerStarts) => Invoker & { runtime?: FunctionRuntime }): Promise<number[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-stream-'));
  const starts = new HandlerStarts();
  const invoker = makeInvoker(stateDir, starts);
  const streams = new StreamEngine({ stateDir, streams: app.streams });
  const mappings = new EventSourceMappings({ app, invoker, stateDir, streams });
  mappings.start();
  const name = app.streams[0]!.physicalName;

  // Warm the environment before measuring.
  const warm = starts.expect(1);
  await streams.putRecord(name, { data: Buffer.from('warm-up'), partitionKey: 'warm-up' });
  await warm;

  const total = rate * SECONDS;
  const allStarted = starts.expect(total);
  const putStarts = new Map<string, number>();
  const began = performance.now();
  const puts: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    // Put each record at its slot in the schedule, sleeping whenever ahead of it.
    const due = began + (i * 1000) / rate;
    const ahead = due - performance.now();
    if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
    const id = `r${i}`;
    putStarts.set(id, performance.timeOrigin + performance.now());
    puts.push(streams.putRecord(name, { data: Buffer.from(id), partitionKey: `key-${i % 100}` }));
  }
  await Promise.all(puts);
  await allStarted;

  await mappings.stop();
  await invoker.runtime?.close();
  streams.close();
  rmSync(stateDir, { recursive: true, force: true });
  return [...putStarts].map(([id, putAt]) => starts.startedAt.get(id)! - putAt);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export async function run(): Promise<string[]> {
  const app = benchApp();
  const lines = [`Stream put to handler start at a steady rate for ${SECONDS} s, 2 shards, batch size 100:`];
  for (const rate of RATES) {
    for (const [label, make] of [
      ['in process', (_dir: string, starts: HandlerStarts) => new InProcessInvoker(starts)],
      ['runtime, warm environment', (dir: string, starts: HandlerStarts) => new ReportingRuntime(dir, starts)],
    ] as const) {
      const latencies = await measure(app, rate, make);
      lines.push(`  ${rate.toLocaleString('en-US')} records/s, ${label}: p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`);
    }
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) console.log(line);
}
