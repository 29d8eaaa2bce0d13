/**
 * Execution environments. Measures the time from a new environment to its
 * first response (median and p90 over 20 cold starts), and warm invocations
 * per second through the runtime against calling the same handler
 * in-process. Also measures the memory an idle warm environment adds to the
 * process.
 *
 * Run alone with `npx tsx bench/runtime-cold-start.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { resolveApp, type FunctionModel } from '../packages/strato/src/model/index.ts';
import { FunctionRuntime } from '../packages/strato/src/runtime/index.ts';
import { handler } from './runtime-handler.ts';

const COLD_STARTS = 20;
const WARM_INVOCATIONS = 20_000;
const CONCURRENT_CALLERS = 10;
const IDLE_ENVIRONMENTS = 10;
/** Concurrent invocations of one function with no environment yet. */
const BURST_INVOCATIONS = 500;
/** How long each invocation of the slow burst runs, longer than the pool waits for a busy environment. */
const SLOW_HOLD_MS = 100;
/** Target from the design: a new environment returns its first response in under 30 ms. */
const COLD_START_TARGET_MS = 30;

function benchFunction(): FunctionModel {
  const app = resolveApp({ name: 'bench', services: { runtime: { functions: { small: { handler: 'runtime-handler.handler' } } } } }, import.meta.dirname);
  return app.functions[0]!;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function measureColdStarts(runtime: FunctionRuntime, fn: FunctionModel): Promise<number[]> {
  const firstResponse: number[] = [];
  for (let i = 0; i < COLD_STARTS; i++) {
    // Reloading ends the warm environment, so the next request starts a new one.
    // The pause lets the old worker's teardown finish, which is no part of a cold start.
    await runtime.reload(fn.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const startedAt = performance.now();
    await runtime.invoke(fn, { id: i });
    firstResponse.push(performance.now() - startedAt);
  }
  return firstResponse.sort((a, b) => a - b);
}

async function invocationsPerSecond(call: () => Promise<unknown>, count: number, callers: number): Promise<number> {
  const perCaller = Math.ceil(count / callers);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let i = 0; i < perCaller; i++) await call();
  }));
  return (perCaller * callers) / ((performance.now() - startedAt) / 1000);
}

/**
 * Measures the process memory that idle warm environments add, per
 * environment. Concurrent requests that each run longer than the pool waits
 * for a busy environment find one idle environment, so each of the others
 * starts a new one.
 */
async function idleEnvironmentMemoryMB(runtime: FunctionRuntime, fn: FunctionModel): Promise<number> {
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  const settle = async () => {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 500));
  };

  await settle();
  const before = process.memoryUsage().rss;
  await Promise.all(Array.from({ length: IDLE_ENVIRONMENTS + 1 }, () => runtime.invoke(fn, { holdMs: 200 })));
  await settle();
  return (process.memoryUsage().rss - before) / IDLE_ENVIRONMENTS / (1024 * 1024);
}

/**
 * Sends `BURST_INVOCATIONS` concurrent invocations to a function with no
 * environment yet, and returns how long they took together and how many
 * environments served them.
 */
async function burst(runtime: FunctionRuntime, fn: FunctionModel, holdMs: number): Promise<{ seconds: number; environments: number }> {
  await runtime.reload(fn.id);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const startedAt = performance.now();
  const results = await Promise.all(Array.from({ length: BURST_INVOCATIONS }, (_, id) => runtime.invoke(fn, { id, holdMs })));
  const seconds = (performance.now() - startedAt) / 1000;
  const failed = results.filter((result) => !result.ok).length;
  if (failed > 0) throw new Error(`${failed} of ${BURST_INVOCATIONS} concurrent invocations failed`);
  return { seconds, environments: runtime.environmentCount(fn.id) };
}

export async function run(): Promise<string[]> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bench-runtime-'));
  const initLines: string[] = [];
  const runtime = new FunctionRuntime({
    stateDir,
    onLog: (_id, line) => {
      const init = /\tInit Duration: ([\d.]+) ms/.exec(line);
      if (init) initLines.push(init[1]!);
    },
  });
  const fn = benchFunction();

  try {
    await runtime.prepare(fn);
    await runtime.invoke(fn, {});
    const memoryMB = await idleEnvironmentMemoryMB(runtime, fn);

    const firstResponse = await measureColdStarts(runtime, fn);
    const initDurations = initLines.slice(-COLD_STARTS).map(Number).sort((a, b) => a - b);

    await runtime.reload(fn.id);
    await runtime.invoke(fn, {});
    const runtimeSequential = await invocationsPerSecond(() => runtime.invoke(fn, { id: 1 }), WARM_INVOCATIONS, 1);
    const runtimeConcurrent = await invocationsPerSecond(() => runtime.invoke(fn, { id: 1 }), WARM_INVOCATIONS, CONCURRENT_CALLERS);
    const direct = await invocationsPerSecond(() => handler({ id: 1 }), WARM_INVOCATIONS * 10, 1);

    const fastBurst = await burst(runtime, fn, 0);
    const slowBurst = await burst(runtime, fn, SLOW_HOLD_MS);

    const median = percentile(firstResponse, 0.5);
    return [
      'Execution environments (worker threads), small Node handler',
      `  new environment to first response: median ${median.toFixed(1)} ms, p90 ${percentile(firstResponse, 0.9).toFixed(1)} ms over ${COLD_STARTS} cold starts (target under ${COLD_START_TARGET_MS} ms: ${median < COLD_START_TARGET_MS ? 'met' : 'missed'})`,
      `  Init Duration reported: median ${percentile(initDurations, 0.5).toFixed(1)} ms`,
      `  warm invocations, 1 caller: ${Math.round(runtimeSequential).toLocaleString('en-US')}/s; ${CONCURRENT_CALLERS} callers: ${Math.round(runtimeConcurrent).toLocaleString('en-US')}/s`,
      `  same handler called in-process: ${Math.round(direct).toLocaleString('en-US')}/s; runtime / in-process: ${(runtimeSequential / direct * 100).toFixed(2)}% (1 caller), ${(runtimeConcurrent / direct * 100).toFixed(2)}% (${CONCURRENT_CALLERS} callers)`,
      `  ${BURST_INVOCATIONS} concurrent invocations of a new function: fast handler ${fastBurst.seconds.toFixed(2)} s on ${fastBurst.environments} environments;`
        + ` handler that runs ${SLOW_HOLD_MS} ms ${slowBurst.seconds.toFixed(2)} s on ${slowBurst.environments} environments`,
      `  memory added per idle warm environment (process RSS over ${IDLE_ENVIRONMENTS} new environments, one spare worker included): ${memoryMB.toFixed(1)} MB (target under 15 MB)`,
    ];
  } finally {
    await runtime.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
