/**
 * One execution environment: a worker thread that loads a function's bundle
 * once and runs one invocation at a time. The main thread enforces the
 * timeout (terminating the worker stops even a busy loop). The memory limit
 * has three guards: the worker's V8 heap limit, the worker's own check of
 * heap and Buffer memory, and the main thread's watchdog for a blocked event
 * loop. So a broken handler ends only its own environment.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';

import type { FunctionModel } from '../model/index.ts';
import { debug } from '../observe/logger.ts';
import type { ResourceCall, ResourceRouter } from './channel.ts';
import { lambdaEnvironment, logGroupName, taskRootOf } from './env-vars.ts';
import { outOfMemory, runtimeExited, timedOut } from './errors.ts';
import { timeoutLine } from './log-lines.ts';
import { memoryWatchdog, type WatchedEnvironment } from './memory-watchdog.ts';
import type { MainToWorker, WorkerToMain } from './protocol.ts';
import type { FunctionError } from './types.ts';
import type { BootedWorker } from './worker-factory.ts';

export interface EnvironmentOptions {
  readonly fn: FunctionModel;
  readonly booted: BootedWorker;
  /** Folder of the bootstrap, the local counterpart of `/var/runtime`. */
  readonly runtimeDir: string;
  readonly bundleFile: string;
  readonly handlerName: string;
  readonly tempDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly router?: ResourceRouter;
  /** Receives every log line of this environment. */
  readonly log: (line: string) => void;
  /** Limit of the init phase in milliseconds; tests shorten it. @default 10000 */
  readonly initLimitMs?: number;
  /** Called once when the worker has ended, for whatever reason. */
  readonly onEnded: (environment: ExecutionEnvironment) => void;
}

export type InvocationOutcome = { readonly ok: true; readonly payload: string } | { readonly ok: false; readonly error: FunctionError };

export interface InvocationRecord {
  readonly outcome: InvocationOutcome;
  readonly durationMs: number;
  readonly maxMemoryUsedMB: number;
  /** Cause of the environment's end when the invocation ended it: a timeout or an error. */
  readonly ended?: 'timeout' | 'error';
}

interface RunningInvocation {
  readonly requestId: string;
  readonly startedAt: number;
  readonly resolve: (record: InvocationRecord) => void;
}

const trace = debug('runtime');

/** Lambda's limit of the init phase of an on-demand function. */
export const INIT_LIMIT_MS = 10_000;

export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'ended';

export class ExecutionEnvironment implements WatchedEnvironment {
  state: EnvironmentState = 'starting';
  /** Milliseconds from the start of the cold start to the handler module being loaded. */
  initDurationMs = 0;
  /** True until the first invocation has been reported, which carries the init duration. */
  coldStart = true;
  /** True when init ran past its limit and the function timeout: the first request then logs a timeout. */
  initTimedOut = false;
  readonly logStreamName: string;
  readonly tempDir: string;
  readonly memoryLimitBytes: number;

  private readonly heartbeatCounter = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  private readonly options: EnvironmentOptions;
  private readonly worker: Worker;
  /** When the cold start began, for the init duration. */
  private readonly createdAt: number;
  private maxMemoryUsedMB = 0;
  private outOfMemory = false;
  private exited = false;
  private running: RunningInvocation | undefined;
  /** Fires when the running invocation's time is up; it does nothing while the environment is idle. */
  private timeoutTimer: NodeJS.Timeout | undefined;
  private startSettled: ((error: FunctionError | undefined) => void) | undefined;

  constructor(options: EnvironmentOptions) {
    this.options = options;
    this.tempDir = options.tempDir;
    this.logStreamName = newLogStreamName();
    this.worker = options.booted.worker;
    this.createdAt = options.booted.startedAt;
    this.memoryLimitBytes = options.fn.memoryMB * 1024 * 1024;
    this.worker.on('message', (message: WorkerToMain) => this.receive(message));
    this.worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') this.outOfMemory = true;
    });
    this.worker.on('exit', (code) => this.ended(code));
    forwardLines(this.worker.stdout, options.log);
    forwardLines(this.worker.stderr, options.log);
    this.post({ type: 'init', ...this.initMessage() });
    memoryWatchdog.busyStarted(this);
  }

  /**
   * Waits until the handler module is loaded, for the request that caused
   * the cold start. Resolves with the init error when it failed; the
   * environment has then ended, and the pool logs the request's lines.
   *
   * The init phase has its own limit of 10 seconds, apart from the function
   * timeout, which starts when the handler is called. When init exceeds it,
   * Lambda retries init at the first invocation under the function timeout,
   * so an init that takes longer than both fails with Sandbox.Timedout.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
   * NOTE: Lambda restarts init from scratch for the retry. Here the first
   * init goes on until the function timeout when that is longer than the
   * init limit, so a slow init succeeds sooner than on Lambda.
   */
  start(requestId: string): Promise<FunctionError | undefined> {
    const { timeoutSeconds } = this.options.fn;
    const initLimitMs = this.options.initLimitMs ?? INIT_LIMIT_MS;
    const giveUpMs = Math.max(initLimitMs, timeoutSeconds * 1000);
    const timer = setTimeout(() => {
      this.initDurationMs = performance.now() - this.createdAt;
      this.initTimedOut = true;
      this.settleStart(timedOut(requestId, timeoutSeconds));
      void this.terminate();
    }, Math.max(0, giveUpMs - (performance.now() - this.createdAt)));

    return new Promise((resolve) => {
      this.startSettled = (error) => {
        clearTimeout(timer);
        resolve(error);
      };
    });
  }

  /** Runs one invocation. Never rejects: every failure is a function error in the record. */
  invoke(requestId: string, eventJson: string): Promise<InvocationRecord> {
    const timeoutMs = this.options.fn.timeoutSeconds * 1000;
    this.state = 'busy';

    // One timer per environment, restarted for each invocation: cheaper than a new timer each time.
    if (this.timeoutTimer) this.timeoutTimer.refresh();
    else this.timeoutTimer = setTimeout(() => this.timeOut(), timeoutMs).unref();

    // NOTE: the two messages of an invocation wake a thread each way, which costs 25 to 50 µs of CPU on a
    // loaded 2-core machine: most of the runtime's cost per request. A shared-memory channel
    // (SharedArrayBuffer and Atomics) measured about 19 µs in a micro-benchmark, but it would block
    // the worker's event loop while the environment is idle.
    memoryWatchdog.busyStarted(this);
    return new Promise((resolve) => {
      this.running = { requestId, startedAt: performance.now(), resolve };
      this.post({ type: 'invoke', requestId, event: eventJson, deadline: Date.now() + timeoutMs });
    });
  }

  heartbeat(): number {
    return Atomics.load(this.heartbeatCounter, 0);
  }

  /** Ends the worker for its memory, as the kernel kills a Lambda runtime over its limit. */
  endForMemory(usedMB: number): void {
    this.outOfMemory = true;
    this.recordMemory(usedMB);
    void this.terminate();
  }

  /** Ends the worker. An invocation still running fails as if the runtime exited. */
  async terminate(): Promise<void> {
    this.state = 'ended';
    clearTimeout(this.timeoutTimer);
    if (this.exited) return;
    await this.worker.terminate();
  }

  private receive(message: WorkerToMain): void {
    switch (message.type) {
      case 'log':
        this.options.log(message.line);
        break;
      case 'call':
        this.route(message);
        break;
      case 'result':
        this.settle({
          outcome: message.outcome,
          durationMs: message.durationMs,
          maxMemoryUsedMB: this.recordMemory(message.memoryUsedMB),
          ended: message.exiting ? 'error' : undefined,
        });
        break;
      case 'ready':
        this.initDurationMs = performance.now() - this.createdAt;
        trace('%s: handler loaded %s ms after the cold start began', this.options.fn.id, this.initDurationMs.toFixed(1));
        this.state = 'idle';
        this.settleStart(undefined);
        break;
      case 'out-of-memory':
        // The worker exits right after this message; `ended` reports the error.
        this.outOfMemory = true;
        this.recordMemory(message.memoryUsedMB);
        break;
      case 'init-error':
        this.initDurationMs = performance.now() - this.createdAt;
        this.settleStart(message.error);
        void this.terminate();
        break;
    }
  }

  private initMessage() {
    const { fn } = this.options;
    const environment = lambdaEnvironment({
      fn,
      region: this.options.region,
      logGroupName: logGroupName(fn),
      logStreamName: this.logStreamName,
      handlerName: this.options.handlerName,
      taskRoot: taskRootOf(this.options.bundleFile),
      runtimeDir: this.options.runtimeDir,
      tempDir: this.tempDir,
    });
    return {
      bundleFile: this.options.bundleFile,
      handlerExport: fn.handlerExport,
      handlerName: this.options.handlerName,
      functionName: fn.physicalName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${fn.physicalName}`,
      memoryLimitInMB: String(fn.memoryMB),
      logGroupName: logGroupName(fn),
      logStreamName: this.logStreamName,
      heartbeat: this.heartbeatCounter.buffer as SharedArrayBuffer,
      environment,
    };
  }

  private route(call: ResourceCall): void {
    const router = this.options.router;
    if (!router) {
      this.post({ type: 'reply', id: call.id, ok: false, error: { name: 'ServiceUnavailableException', message: `No local cloud serves resource calls in this run, so ${call.kind} "${call.resource}" cannot be reached.` } });
      return;
    }
    // A router that throws, or returns what cannot be cloned, fails this call only, never the local cloud.
    let pending: Promise<unknown>;
    try {
      pending = router.handle(this.options.fn.id, call);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (output) => {
        try {
          this.post({ type: 'reply', id: call.id, ok: true, output });
        } catch (error) {
          this.replyError(call, error);
        }
      },
      (error: unknown) => this.replyError(call, error),
    );
  }

  private replyError(call: ResourceCall, error: unknown): void {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    this.post({ type: 'reply', id: call.id, ok: false, error: { name, message } });
  }

  private timeOut(): void {
    const running = this.running;
    if (!running) return;
    const { timeoutSeconds } = this.options.fn;

    this.options.log(timeoutLine(running.requestId, timeoutSeconds));
    this.settle({
      outcome: { ok: false, error: timedOut(running.requestId, timeoutSeconds) },
      // Lambda reports a timed-out invocation's duration as the timeout itself.
      durationMs: timeoutSeconds * 1000,
      maxMemoryUsedMB: this.recordMemory(Atomics.load(this.heartbeatCounter, 1)),
      ended: 'timeout',
    });
    void this.terminate();
  }

  private ended(exitCode: number): void {
    this.exited = true;
    memoryWatchdog.busyEnded(this);
    this.state = 'ended';

    const running = this.running;
    if (running) {
      const error = this.outOfMemory ? outOfMemory(running.requestId) : runtimeExited(running.requestId, exitCode);
      this.settle({
        outcome: { ok: false, error },
        durationMs: performance.now() - running.startedAt,
        maxMemoryUsedMB: this.outOfMemory ? Math.max(this.options.fn.memoryMB, this.maxMemoryUsedMB) : this.maxMemoryUsedMB,
        ended: 'error',
      });
    }
    if (this.startSettled) {
      this.initDurationMs = performance.now() - this.createdAt;
      const reason = this.outOfMemory ? 'Runtime exited with error: signal: killed' : `Runtime exited with error: exit status ${exitCode}`;
      this.settleStart({ errorType: this.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', errorMessage: `Error: ${reason}` });
    }
    this.options.onEnded(this);
  }

  private settle(record: InvocationRecord): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    memoryWatchdog.busyEnded(this);
    if (record.ended) this.state = 'ended';
    else if (this.state === 'busy') this.state = 'idle';
    running.resolve(record);
  }

  private settleStart(error: FunctionError | undefined): void {
    memoryWatchdog.busyEnded(this);
    const settle = this.startSettled;
    this.startSettled = undefined;
    settle?.(error);
  }

  private recordMemory(usedMB: number): number {
    this.maxMemoryUsedMB = Math.max(this.maxMemoryUsedMB, usedMB);
    return this.maxMemoryUsedMB;
  }

  private post(message: MainToWorker): void {
    this.worker.postMessage(message);
  }
}

/** `yyyy/mm/dd/[$LATEST]<32 hex digits>`, as Lambda names an environment's log stream. */
export function newLogStreamName(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** Sends what the handler writes straight to stdout or stderr to the log, line by line. */
export function forwardLines(stream: Readable, log: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) log(line);
  });
  stream.on('end', () => {
    if (buffered) log(buffered);
  });
}
