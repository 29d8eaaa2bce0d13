/**
 * The bootstrap of a Node.js execution environment, run as a worker thread.
 * It loads the function's bundle once, then runs one invocation at a time,
 * as the Lambda runtime interface client does. The handler gets the parsed
 * event, a context and a callback. Either its returned promise or the
 * callback settles the invocation.
 *
 * The local cloud compiles this file with esbuild once per run.
 */
import { pathToFileURL } from 'node:url';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, type MessagePort } from 'node:worker_threads';

import type { EnvironmentInit, MainToWorker, WorkerToMain } from '../protocol.ts';
import type { FunctionError } from '../types.ts';
import { installChannel } from './channel-client.ts';
import { installConsole } from './console.ts';
import { createContext, type LambdaContext } from './context.ts';
import { formatErrorForLog, HANDLER_NOT_FOUND, toFunctionError, toInitError } from './errors.ts';

type Handler = (event: unknown, context: LambdaContext, callback: (error?: unknown, result?: unknown) => void) => unknown;

/** Exit codes of the Node.js runtime after an uncaught exception and an unhandled rejection. */
const EXIT_UNCAUGHT_EXCEPTION = 129;
const EXIT_UNHANDLED_REJECTION = 128;

/** Milliseconds between two memory checks while init or an invocation runs. */
const MEMORY_CHECK_INTERVAL_MS = 20;
const BYTES_PER_MB = 1024 * 1024;

/** Slots of the heartbeat array shared with the main thread (see `EnvironmentInit.heartbeat`). */
const HEARTBEAT_COUNT = 0;
const HEARTBEAT_PEAK_MB = 1;

/** Exit code of a runtime ended for its memory, as after the kernel's SIGKILL (128 + 9). */
const EXIT_OUT_OF_MEMORY = 137;

const port = parentPort as MessagePort;
const send = (message: WorkerToMain) => port.postMessage(message);

let config: EnvironmentInit;
let handler: Handler;
let memoryLimitBytes = Number.POSITIVE_INFINITY;
let heartbeat: Int32Array<ArrayBufferLike> = new Int32Array(2);

/**
 * Checks the memory while init or an invocation runs. It re-arms itself only
 * while there is work, so an idle environment's thread stays asleep.
 */
const memoryTimer = setTimeout(checkMemory, MEMORY_CHECK_INTERVAL_MS).unref();
let initializing = false;

/**
 * Collects garbage before an environment is ended for its memory, so that
 * Buffers no longer referenced do not count. V8 exposes `gc` only to
 * contexts created after the flag is set.
 */
const collectGarbage = obtainGarbageCollector();

function obtainGarbageCollector(): (() => void) | undefined {
  // The flag is the process's: left on, workers booted later would get a global `gc`, which Lambda handlers lack.
  // A worker booting at the same moment may turn it off between the two steps, so try again, and without it
  // the memory check counts unreferenced Buffers too rather than ending the environment on boot.
  for (let attempt = 0; attempt < 3; attempt++) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
    setFlagsFromString('--no-expose-gc');
    if (gc) return gc;
  }
  return undefined;
}

/** The invocation in progress, if any. */
let current: { requestId: string; startedAt: number; settled: boolean } | undefined;

/** Set while a callback-style invocation waits for the event loop to empty before it responds. */
let waitingForEmptyLoop: { result: unknown } | undefined;

const channel = installChannel(port, updatePortRef);
installConsole(() => current?.requestId, (line) => send({ type: 'log', line }));
process.setSourceMapsEnabled(true);

port.on('message', (message: MainToWorker) => {
  if (message.type === 'reply') channel.receive(message);
  else if (message.type === 'invoke') invoke(message.requestId, message.event, message.deadline);
  else if (message.type === 'init') void init(message);
});
process.on('uncaughtException', (error) => failAndExit('Uncaught Exception', error, toFunctionError(error), EXIT_UNCAUGHT_EXCEPTION));
process.on('unhandledRejection', (reason) => {
  const error = { ...toFunctionError(reason), errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: String(reason) };
  failAndExit('Unhandled Promise Rejection', reason, error, EXIT_UNHANDLED_REJECTION);
});
process.on('beforeExit', respondAfterEmptyLoop);
send({ type: 'booted' });

async function init(message: EnvironmentInit): Promise<void> {
  config = message;
  memoryLimitBytes = Number(message.memoryLimitInMB) * BYTES_PER_MB;
  heartbeat = new Int32Array(message.heartbeat);
  Object.assign(process.env, message.environment);
  initializing = true;
  memoryTimer.refresh();

  try {
    const module = (await import(pathToFileURL(message.bundleFile).href)) as Record<string, unknown>;
    handler = findHandler(module, message.handlerExport);
    initializing = false;
    if (memoryUsedBytes() > memoryLimitBytes && outOfMemoryAfterGarbageCollection()) return;
    send({ type: 'ready' });
  } catch (error) {
    initializing = false;
    send({ type: 'init-error', error: toInitError(error, message.handlerName) });
  }
}

function findHandler(module: Record<string, unknown>, name: string): Handler {
  // A CommonJS handler file bundles to a default export holding `module.exports`.
  const commonJsExports = module.default as Record<string, unknown> | undefined;
  const candidate = module[name] ?? (typeof commonJsExports === 'object' ? commonJsExports?.[name] : undefined);
  if (typeof candidate !== 'function') throw HANDLER_NOT_FOUND;
  return candidate as Handler;
}

function invoke(requestId: string, eventJson: string, deadline: number): void {
  current = { requestId, startedAt: performance.now(), settled: false };
  memoryTimer.refresh();
  const context = createContext(config, requestId, deadline, { succeed, fail });

  let returned: unknown;
  try {
    returned = handler(JSON.parse(eventJson), context, (error, result) => (error === undefined || error === null ? succeed(result) : fail(error)));
  } catch (error) {
    fail(error);
    return;
  }

  if (isPromiseLike(returned)) {
    returned.then(succeed, fail);
    return;
  }
  // A callback handler responds when it calls back. With callbackWaitsForEmptyEventLoop
  // (the default) the response waits until the event loop is empty, so `beforeExit` sends it.
  waitingForEmptyLoop ??= { result: undefined };
  updatePortRef();

  function succeed(result: unknown): void {
    if (!context.callbackWaitsForEmptyEventLoop || isPromiseLike(returned)) {
      respond(requestId, serializeResult(result));
      return;
    }
    waitingForEmptyLoop = { result };
    updatePortRef();
  }

  function fail(error: unknown): void {
    console.error('Invoke Error', formatErrorForLog(error));
    respond(requestId, { ok: false, error: toFunctionError(error) });
  }
}

function serializeResult(result: unknown): { ok: true; payload: string } | { ok: false; error: FunctionError } {
  try {
    return { ok: true, payload: JSON.stringify(result === undefined ? null : result) };
  } catch {
    return { ok: false, error: toFunctionError(new Error('Unable to stringify response body')) };
  }
}

function respond(requestId: string, outcome: { ok: true; payload: string } | { ok: false; error: FunctionError }, exiting?: boolean): void {
  if (!current || current.requestId !== requestId || current.settled) return;
  current.settled = true;
  waitingForEmptyLoop = undefined;
  updatePortRef();

  const durationMs = performance.now() - current.startedAt;
  const usedBytes = memoryUsedBytes();
  if (usedBytes > memoryLimitBytes && outOfMemoryAfterGarbageCollection()) return;
  send({ type: 'result', requestId, outcome, durationMs, memoryUsedMB: toMB(usedBytes), exiting });
  current = undefined;
}

function respondAfterEmptyLoop(): void {
  if (!current || !waitingForEmptyLoop) return;
  respond(current.requestId, serializeResult(waitingForEmptyLoop.result));
}

/**
 * Lets the port keep the worker alive, except while an invocation waits for
 * the event loop to empty. Then only the handler's own work counts, and the
 * pending resource calls, whose replies arrive on the port.
 */
function updatePortRef(): void {
  if (waitingForEmptyLoop && channel.pendingCount === 0) port.unref();
  else port.ref();
}

function failAndExit(label: string, thrown: unknown, error: FunctionError, exitCode: number): void {
  console.error(label, formatErrorForLog(thrown));
  if (current) respond(current.requestId, { ok: false, error }, true);
  process.exit(exitCode);
}

/**
 * Estimates the environment's memory from its V8 heap and external memory
 * (Buffers, ArrayBuffers). Lambda counts the whole sandbox.
 * NOTE: memory that native addons allocate themselves (image libraries,
 * database drivers) is not external memory, so it does not count here.
 */
function memoryUsedBytes(): number {
  const heap = getHeapStatistics();
  return heap.total_heap_size + heap.external_memory;
}

function toMB(bytes: number): number {
  return Math.ceil(bytes / BYTES_PER_MB);
}

function checkMemory(): void {
  if (!current && !initializing) return;
  const usedBytes = memoryUsedBytes();

  // Tells the main thread's watchdog that this event loop turns, and the peak usage for a REPORT after a timeout.
  Atomics.add(heartbeat, HEARTBEAT_COUNT, 1);
  if (toMB(usedBytes) > Atomics.load(heartbeat, HEARTBEAT_PEAK_MB)) Atomics.store(heartbeat, HEARTBEAT_PEAK_MB, toMB(usedBytes));

  if (usedBytes > memoryLimitBytes && outOfMemoryAfterGarbageCollection()) return;
  memoryTimer.refresh();
}

/**
 * Collects garbage, so that only memory still in use counts, and ends the
 * runtime when its memory still passes the memory size, as the kernel kills
 * a Lambda runtime over its limit.
 * NOTE: the V8 heap limit of the worker covers the heap alone. This check
 * covers Buffers too, but only when the event loop turns (timers, the end
 * of an invocation). A synchronous loop is left to the main thread's watchdog.
 */
function outOfMemoryAfterGarbageCollection(): boolean {
  collectGarbage?.();
  const usedBytes = memoryUsedBytes();
  if (usedBytes <= memoryLimitBytes) return false;

  send({ type: 'out-of-memory', memoryUsedMB: toMB(usedBytes) });
  process.exit(EXIT_OUT_OF_MEMORY);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
