/**
 * Bus latency: the time from the start of a `PutEvents` call to the start of
 * the rule target's handler, through the durable bus log, the rule match,
 * and the durable asynchronous invocation queue. Events are published one at
 * a time, each waiting for its handler, so the figures are latencies, not
 * throughput. Further figures give `PutEvents` throughput and memory growth
 * for 10,000 and 100,000 events in batches of 10, each matched against the
 * 101 rules and matching none.
 *
 * A steady-rate figure publishes 500 events per second for 4 seconds without
 * waiting for handlers, as an application under load would.
 *
 * Two set-ups run side by side:
 * - in process: a small Invoker calls the handler in this thread, so the
 *   figure covers the bus, the queue and their delivery loops;
 * - runtime: the real function runtime runs the handler in a warm execution
 *   environment, adding its dispatch.
 *
 * Run alone with `npx tsx bench/bus-latency.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { AsyncInvoker, type DeliveryOutcome } from '../packages/strato/src/local/async/index.ts';
import { EventBus } from '../packages/strato/src/local/bus/index.ts';
import { resolveApp, type AppModel, type RuleConfig } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/types.ts';

const WARMUP_EVENTS = 50;
const MEASURED_EVENTS = 1000;
/** Event counts for the throughput figures, to show how PutEvents scales with the size of the bus log. */
const THROUGHPUT_EVENTS = [10_000, 100_000];
const OTHER_RULES = 100;
/** Events per second and seconds of the steady-rate figure. */
const STEADY_RATE = 500;
const STEADY_SECONDS = 4;

/** Handler start times by event id, resolved as the handlers report them. */
class HandlerStarts {
  private readonly waiters = new Map<string, (startedAt: number) => void>();
  private readonly early = new Map<string, number>();

  /** Returns a promise of the wall-clock time, in epoch milliseconds, at which the handler for the event started. */
  started(eventId: string): Promise<number> {
    const startedAt = this.early.get(eventId);
    if (startedAt !== undefined) {
      this.early.delete(eventId);
      return Promise.resolve(startedAt);
    }
    return new Promise((resolve) => this.waiters.set(eventId, resolve));
  }

  report(eventId: string, startedAt: number): void {
    const waiter = this.waiters.get(eventId);
    if (!waiter) {
      // The handler can start before PutEvents returns the event's id.
      this.early.set(eventId, startedAt);
      return;
    }
    this.waiters.delete(eventId);
    waiter(startedAt);
  }
}

/** Runs the handler's work in this thread: it reports its start and returns. */
class InProcessInvoker implements Invoker {
  constructor(private readonly starts: HandlerStarts) {}

  async invoke(_fn: unknown, event: unknown, options: { requestId?: string } = {}): Promise<InvokeResult> {
    this.starts.report((event as { id: string }).id, performance.timeOrigin + performance.now());
    return { ok: true, requestId: options.requestId ?? '', payload: null };
  }
}

function benchApp(): AppModel {
  // Rules that never match the measured events, so each put is matched against all of them.
  const others: Record<string, RuleConfig> = {};
  for (let i = 0; i < OTHER_RULES; i++) {
    others[`other-${i}`] = { pattern: { source: [`bench.other-${i}`], detail: { size: [{ numeric: ['>', i] }] } }, targets: [{ function: 'on-ready' }] };
  }
  return resolveApp({
    name: 'bench',
    services: {
      feed: {
        functions: { 'on-ready': { handler: 'bus-latency-handler.handler' } },
        rules: { ready: { pattern: { source: ['bench.photos'], 'detail-type': ['PhotoReady'] }, targets: [{ function: 'on-ready' }] }, ...others },
      },
    },
  }, import.meta.dirname);
}

const entry = (i: number, source = 'bench.photos') => ({ Source: source, DetailType: 'PhotoReady', Detail: JSON.stringify({ id: `p${i}`, size: 1000 + i }) });

interface Timings {
  readonly toAck: number[];
  readonly toHandler: number[];
}

/** Publishes events one at a time and records, for each, the time to the put's return and to the handler's start. */
async function measureLatency(bus: EventBus, starts: HandlerStarts): Promise<Timings> {
  const timings: Timings = { toAck: [], toHandler: [] };
  for (let i = 0; i < WARMUP_EVENTS + MEASURED_EVENTS; i++) {
    const begin = performance.timeOrigin + performance.now();
    const result = bus.putEvents([entry(i)]);
    const acked = performance.timeOrigin + performance.now();
    const handlerStart = await starts.started((result.Entries[0] as { EventId: string }).EventId);
    if (i < WARMUP_EVENTS) continue;
    timings.toAck.push(acked - begin);
    timings.toHandler.push(handlerStart - begin);
  }
  return timings;
}

/**
 * Publishes one event every `1000 / STEADY_RATE` ms for `STEADY_SECONDS`
 * without waiting for handlers, and records each event's time to its
 * handler's start: latency under a steady load rather than one at a time.
 */
async function measureSteady(bus: EventBus, starts: HandlerStarts): Promise<Timings> {
  const timings: Timings = { toAck: [], toHandler: [] };
  const pending: Promise<void>[] = [];
  const intervalMs = 1000 / STEADY_RATE;
  const firstAt = performance.now();
  for (let i = 0; i < STEADY_RATE * STEADY_SECONDS; i++) {
    const dueAt = firstAt + i * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

    const begin = performance.timeOrigin + performance.now();
    const result = bus.putEvents([entry(i)]);
    timings.toAck.push(performance.timeOrigin + performance.now() - begin);
    const started = starts.started((result.Entries[0] as { EventId: string }).EventId);
    pending.push(started.then((handlerStart) => { timings.toHandler.push(handlerStart - begin); }));
  }
  await Promise.all(pending);
  return timings;
}

/** Starts the bus and queue with the given invoker, measures, and removes the state. */
async function runSetUp(
  app: AppModel,
  starts: HandlerStarts,
  makeInvoker: (stateDir: string) => Invoker & { close?(): Promise<void> },
  measure: (bus: EventBus, starts: HandlerStarts) => Promise<Timings> = measureLatency,
): Promise<Timings> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-bus-'));
  const invoker = makeInvoker(stateDir);
  const onOutcome = (outcome: DeliveryOutcome) => {
    if (outcome.type !== 'succeeded' || outcome.result === null) return;
    const { eventId, startedAt } = outcome.result as { eventId: string; startedAt: number };
    starts.report(eventId, startedAt);
  };
  const asyncInvoker = new AsyncInvoker({ stateDir, invoker, getFunction: (id) => app.functions.find((fn) => fn.id === id), onOutcome });
  const bus = new EventBus({
    stateDir,
    app,
    targets: {
      invokeFunction: (functionId, event) => asyncInvoker.enqueue(functionId, event),
      sendToQueue: async () => { throw new Error('the benchmark has no queues'); },
    },
  });
  try {
    return await measure(bus, starts);
  } finally {
    await bus.close();
    await asyncInvoker.close();
    await invoker.close?.();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

interface Throughput {
  readonly events: number;
  readonly perSecond: number;
  /** Growth of the resident set size during the run, in MB. */
  readonly rssGrowthMB: number;
}

/** Puts `events` events in batches of 10 that match no rule, into a fresh bus, and measures the rate and memory. */
async function measureThroughput(app: AppModel, events: number): Promise<Throughput> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-bus-'));
  const bus = new EventBus({ stateDir, app, targets: { invokeFunction: async () => {}, sendToQueue: async () => {} } });
  try {
    const batch = Array.from({ length: 10 }, (_, i) => entry(i, 'bench.unmatched'));
    const rssBefore = process.memoryUsage().rss;
    const begin = performance.now();
    for (let i = 0; i < events / batch.length; i++) bus.putEvents(batch);
    const seconds = (performance.now() - begin) / 1000;
    return { events, perSecond: events / seconds, rssGrowthMB: (process.memoryUsage().rss - rssBefore) / 1024 / 1024 };
  } finally {
    await bus.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function describe(name: string, timings: Timings): string {
  return `  ${name}: PutEvents returned p50 ${percentile(timings.toAck, 0.5).toFixed(2)} ms, p99 ${percentile(timings.toAck, 0.99).toFixed(2)} ms;`
    + ` publish to handler start p50 ${percentile(timings.toHandler, 0.5).toFixed(2)} ms, p99 ${percentile(timings.toHandler, 0.99).toFixed(2)} ms`;
}

export async function run(): Promise<string[]> {
  const app = benchApp();
  const inProcessStarts = new HandlerStarts();
  const inProcess = await runSetUp(app, inProcessStarts, () => new InProcessInvoker(inProcessStarts));
  const runtime = await runSetUp(app, new HandlerStarts(), (stateDir) => new FunctionRuntime({ stateDir }));
  const steadyInProcessStarts = new HandlerStarts();
  const steadyInProcess = await runSetUp(app, steadyInProcessStarts, () => new InProcessInvoker(steadyInProcessStarts), measureSteady);
  const steady = await runSetUp(app, new HandlerStarts(), (stateDir) => new FunctionRuntime({ stateDir }), measureSteady);
  const throughputs: Throughput[] = [];
  for (const events of THROUGHPUT_EVENTS) throughputs.push(await measureThroughput(app, events));

  return [
    `bus: ${MEASURED_EVENTS} events, one at a time, after ${WARMUP_EVENTS} warm-up events; ${OTHER_RULES + 1} rules`,
    describe('in process', inProcess),
    describe('runtime   ', runtime),
    describe(`in process, steady ${STEADY_RATE} events/s for ${STEADY_SECONDS} s`, steadyInProcess),
    describe(`runtime, steady ${STEADY_RATE} events/s for ${STEADY_SECONDS} s`, steady),
    ...throughputs.map(({ events, perSecond, rssGrowthMB }) =>
      `  PutEvents, ${events.toLocaleString('en-US')} events in batches of 10 matching no rule: ${Math.round(perSecond).toLocaleString('en-US')} events/s, resident memory +${rssGrowthMB.toFixed(0)} MB`),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
