/**
 * The execution environments of one function. A request takes the most
 * recently used idle environment, or waits briefly for a busy one, or starts
 * a new one (see scale-out.ts for the rule), while the function's concurrency
 * allows. Idle environments end after a while, as Lambda reclaims them.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

import type { FunctionModel } from '../model/index.ts';
import { debug } from '../observe/logger.ts';
import { BUNDLE_FILE_NAME, bundleFunction, type FunctionBundle } from './bundle.ts';
import type { ResourceRouter } from './channel.ts';
import { ConcurrencyLimit } from './concurrency.ts';
import { ExecutionEnvironment, type InvocationRecord } from './environment.ts';
import { throttled } from './errors.ts';
import { launchOf, ProcessEnvironment, runsInProcess } from './process/index.ts';
import { billedDurationMs, endLine, reportLine, startLine, timeoutLine, type ReportFields } from './log-lines.ts';
import { MAX_STARTS_AT_ONCE, RecentDurations } from './scale-out.ts';
import type { FunctionError, InvocationReport } from './types.ts';
import type { WorkerFactory } from './worker-factory.ts';

export interface PoolOptions {
  readonly fn: FunctionModel;
  readonly workers: WorkerFactory;
  /** Folder of the bootstrap, the local counterpart of `/var/runtime`. */
  readonly runtimeDir: string;
  readonly buildDir: string;
  readonly tempRoot: string;
  readonly region: string;
  readonly accountId: string;
  readonly router?: ResourceRouter;
  readonly account: ConcurrencyLimit;
  readonly accountConcurrency: number;
  readonly idleTimeoutMs: number;
  /** Limit of the init phase of worker environments, in milliseconds. */
  readonly initLimitMs?: number;
  readonly log: (line: string) => void;
  /** Receives the figures of every finished invocation. */
  readonly onReport?: (report: InvocationReport) => void;
}

/** A worker-thread environment for Node.js, a process environment for other runtimes. */
type Environment = ExecutionEnvironment | ProcessEnvironment;

interface PooledEnvironment {
  readonly environment: Environment;
  /** The pool generation whose bundle the environment loaded. */
  readonly generation: number;
  idleTimer?: NodeJS.Timeout;
  /** Set when the pool itself ends the environment, so its temp folder is deleted, not reused. */
  discarded: boolean;
  tempDirKept: boolean;
}

/** An environment that failed to start, with the error its first request gets. */
interface InitFailure {
  readonly error: FunctionError;
  readonly initDurationMs: number;
  /** True when init ran past its limit and the function timeout. */
  readonly timedOut?: boolean;
}

/** A request that found no idle environment and waits for one: a busy one that frees up, or one it starts. */
interface Waiter {
  readonly requestId: string;
  readonly resolve: (environment: PooledEnvironment | InitFailure) => void;
  readonly reject: (error: unknown) => void;
  /** Fires when the request has waited long enough for a busy environment and should start one. */
  timer?: NodeJS.Timeout;
  /** Set once an environment was handed over or the request started its own. */
  done: boolean;
}

const trace = debug('runtime');

export class FunctionPool {
  fn: FunctionModel;
  private readonly options: PoolOptions;
  private readonly concurrency: ConcurrencyLimit;
  private readonly idle: PooledEnvironment[] = [];
  private readonly all = new Map<Environment, PooledEnvironment>();
  /** Requests waiting for an environment, first come first served. */
  private readonly waiting: Waiter[] = [];
  /** Waiters that want a new environment, in turn for one of the `MAX_STARTS_AT_ONCE` start slots. */
  private readonly startQueue: Waiter[] = [];
  private starting = 0;
  /** Waiters not yet served or started. */
  private waitingCount = 0;
  /** When a released environment last went straight to a waiter. */
  private lastHandoffAt = 0;
  private readonly durations = new RecentDurations();
  /** Temp folders of environments that crashed or timed out; Lambda keeps `/tmp` across such restarts. */
  private readonly freeTempDirs: string[] = [];
  private nextTempDir = 1;
  private generation = 0;
  private bundle: Promise<FunctionBundle> | undefined;
  private closed = false;

  constructor(options: PoolOptions) {
    this.options = options;
    this.fn = options.fn;
    this.concurrency = new ConcurrencyLimit(options.fn.reservedConcurrency ?? options.accountConcurrency);
  }

  /** Runs one invocation and logs its START, END and REPORT lines. Throws a `ServiceError` when throttled. */
  async run(requestId: string, eventJson: string): Promise<InvocationRecord> {
    const account = this.options.account;
    if (!this.concurrency.tryAcquire()) throw throttled();
    if (!account.tryAcquire()) {
      this.concurrency.release();
      throw throttled();
    }

    try {
      const environment = this.takeIdle() ?? (await this.waitOrStart(requestId));
      if ('error' in environment) return this.reportInitFailure(requestId, environment);
      return await this.runOn(environment, requestId, eventJson);
    } finally {
      this.concurrency.release();
      account.release();
    }
  }

  /** Number of environments alive: idle, busy or starting. */
  get environmentCount(): number {
    return this.all.size;
  }

  /** Builds the bundle now, so that the first request does not wait for it. */
  async prepare(): Promise<void> {
    await this.currentBundle();
  }

  /** Returns the source files of the current bundle, or undefined when there is none or it failed. */
  async bundleInputs(): Promise<readonly string[] | undefined> {
    const bundle = await this.bundle?.catch(() => undefined);
    return bundle?.inputs;
  }

  /** Rebundles, ends the idle environments and retires the busy ones after their current request. */
  async reload(fn: FunctionModel = this.fn): Promise<void> {
    this.fn = fn;
    this.concurrency.limit = fn.reservedConcurrency ?? this.options.accountConcurrency;
    this.generation++;
    this.bundle = undefined;
    for (const pooled of this.idle.splice(0)) void this.discard(pooled);
    await this.currentBundle().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    for (const waiter of this.waiting.splice(0)) {
      if (waiter.done) continue;
      this.claim(waiter);
      waiter.resolve({ error: { errorType: 'Runtime.ExitError', errorMessage: 'Error: Runtime exited without providing a reason' }, initDurationMs: 0 });
    }
    await Promise.all([...this.all.values()].map((pooled) => this.discard(pooled)));
  }

  private takeIdle(): PooledEnvironment | undefined {
    const pooled = this.idle.pop();
    if (pooled) pooled.environment.state = 'busy';
    return pooled;
  }

  private async runOn(pooled: PooledEnvironment, requestId: string, eventJson: string): Promise<InvocationRecord> {
    const { environment } = pooled;
    const { log } = this.options;

    log(startLine(requestId, '$LATEST'));
    const record = await environment.invoke(requestId, eventJson);
    // The handler's own duration, not the round trip, which grows with the load on the local cloud's thread.
    this.durations.add(record.durationMs);
    log(endLine(requestId));
    const errorType = record.outcome.ok ? undefined : record.outcome.error.errorType;
    this.report({
      requestId,
      durationMs: record.durationMs,
      memorySizeMB: this.fn.memoryMB,
      maxMemoryUsedMB: record.maxMemoryUsedMB,
      initDurationMs: environment.coldStart ? environment.initDurationMs : undefined,
      status: record.ended,
      // The REPORT line names the error type only when the error ended the environment.
      errorType: record.ended === 'error' ? errorType : undefined,
    }, errorType);
    environment.coldStart = false;

    this.release(pooled);
    return record;
  }

  private release(pooled: PooledEnvironment): void {
    if (pooled.environment.state === 'ended') {
      // The next environment may start before this worker has fully exited; it gets the temp folder now.
      this.keepTempDir(pooled);
      return;
    }
    if (this.closed || pooled.generation !== this.generation) {
      void this.discard(pooled);
      return;
    }

    const waiter = this.nextWaiter();
    if (waiter) {
      this.lastHandoffAt = performance.now();
      pooled.environment.state = 'busy';
      waiter.resolve(pooled);
      return;
    }

    this.idle.push(pooled);
    if (pooled.idleTimer) pooled.idleTimer.refresh();
    else pooled.idleTimer = setTimeout(() => this.reclaim(pooled), this.options.idleTimeoutMs).unref();
  }

  /**
   * Waits for a busy environment up to the function's recent median
   * duration, then queues for a start slot, as scale-out.ts explains. A
   * request with nothing busy to wait for, or no finished invocation to
   * judge by, queues for a start slot at once.
   */
  private waitOrStart(requestId: string): Promise<PooledEnvironment | InitFailure> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { requestId, resolve, reject, done: false };
      this.waiting.push(waiter);
      this.waitingCount++;
      const patienceMs = this.all.size > 0 ? this.durations.patienceMs() : 0;
      if (patienceMs > 0) this.waitForWarm(waiter, patienceMs);
      else this.queueStart(waiter);
    });
  }

  /**
   * Queues the waiter for a start slot once it has waited `patienceMs`,
   * unless the queue still moves (an environment was handed over within that
   * time) and the handlers' own durations would drain it within that time.
   * Then the wait comes from the local cloud's own thread, the bottleneck, and
   * a new environment would add memory and thread switches but no throughput.
   */
  private waitForWarm(waiter: Waiter, patienceMs: number): void {
    waiter.timer = setTimeout(() => {
      // Results that already arrived are handed over first: a busy event loop runs timers before
      // it reads the workers' messages, so the waiter checks again after them.
      setImmediate(() => {
        if (waiter.done) return;
        const queueMoves = performance.now() - this.lastHandoffAt < patienceMs;
        const drainMs = (this.waitingCount * this.durations.medianMs()) / Math.max(1, this.all.size);
        if (queueMoves && drainMs <= patienceMs) this.waitForWarm(waiter, patienceMs);
        else this.queueStart(waiter);
      });
    }, patienceMs);
  }

  private queueStart(waiter: Waiter): void {
    if (waiter.done) return;
    this.startQueue.push(waiter);
    this.startQueued();
  }

  /** Starts environments for queued waiters while start slots are free. */
  private startQueued(): void {
    while (this.starting < MAX_STARTS_AT_ONCE) {
      const waiter = this.startQueue.shift();
      if (!waiter) return;
      if (waiter.done) continue;

      this.claim(waiter);
      this.starting++;
      trace('%s: starting environment %d (%d starting, %d waiting for one)', this.fn.id, this.all.size + 1, this.starting, this.startQueue.length);
      this.startEnvironment(waiter.requestId).then((environment) => {
        this.starting--;
        this.startQueued();
        waiter.resolve(environment);
      }, (error: unknown) => {
        this.starting--;
        this.startQueued();
        waiter.reject(error);
      });
    }
  }

  /** Returns the first waiter still waiting, marked as served. */
  private nextWaiter(): Waiter | undefined {
    while (this.waiting.length > 0) {
      const waiter = this.waiting.shift()!;
      if (waiter.done) continue;
      this.claim(waiter);
      return waiter;
    }
    return undefined;
  }

  private claim(waiter: Waiter): void {
    waiter.done = true;
    this.waitingCount--;
    // A waiter that started its own environment stays in `waiting` until a release skips it.
    clearTimeout(waiter.timer);
  }

  private reclaim(pooled: PooledEnvironment): void {
    const index = this.idle.indexOf(pooled);
    if (index === -1) return;
    this.idle.splice(index, 1);
    void this.discard(pooled);
  }

  private async startEnvironment(requestId: string): Promise<PooledEnvironment | InitFailure> {
    const generation = this.generation;
    const environment = runsInProcess(this.fn) ? await this.createProcessEnvironment() : await this.createWorkerEnvironment();
    if ('error' in environment) return environment;

    const pooled: PooledEnvironment = { environment, generation, discarded: false, tempDirKept: false };
    this.all.set(environment, pooled);
    // A pool closed while the worker was taken ends it at once; its start then fails with Runtime.ExitError.
    if (this.closed) void this.discard(pooled);

    const initError = await environment.start(requestId);
    if (environment instanceof ExecutionEnvironment) this.options.workers.replenish(this.fn.memoryMB);
    if (initError) {
      return { error: initError, initDurationMs: environment.initDurationMs, timedOut: environment.initTimedOut };
    }
    environment.state = 'busy';
    return pooled;
  }

  private async createWorkerEnvironment(): Promise<ExecutionEnvironment | { error: FunctionError; initDurationMs: number }> {
    let bundle: FunctionBundle;
    try {
      bundle = await this.currentBundle();
    } catch (error) {
      this.bundle = undefined;
      return { error: bundleError(error), initDurationMs: 0 };
    }

    const [booted, tempDir] = await Promise.all([this.options.workers.take(this.fn.memoryMB), this.takeTempDir()]);
    return new ExecutionEnvironment({
      fn: this.fn,
      booted,
      runtimeDir: this.options.runtimeDir,
      bundleFile: bundle.file,
      handlerName: `${path.basename(BUNDLE_FILE_NAME, '.mjs')}.${this.fn.handlerExport}`,
      tempDir,
      region: this.options.region,
      accountId: this.options.accountId,
      router: this.options.router,
      log: this.options.log,
      initLimitMs: this.options.initLimitMs,
      onEnded: (ended) => this.ended(ended),
    });
  }

  /** Starts a runtime process that reads the handler's source file, so nothing is bundled. */
  private async createProcessEnvironment(): Promise<ProcessEnvironment> {
    return new ProcessEnvironment({
      fn: this.fn,
      launch: launchOf(this.fn),
      tempDir: await this.takeTempDir(),
      region: this.options.region,
      accountId: this.options.accountId,
      router: this.options.router,
      log: this.options.log,
      initLimitMs: this.options.initLimitMs,
      onEnded: (ended) => this.ended(ended),
    });
  }

  /** Logs the lines of a request whose environment failed to start: START first, then any timeout line. */
  private reportInitFailure(requestId: string, failure: InitFailure): InvocationRecord {
    const { log } = this.options;
    log(startLine(requestId, '$LATEST'));
    if (failure.timedOut) log(timeoutLine(requestId, this.fn.timeoutSeconds));
    log(endLine(requestId));

    // Lambda reports a timed-out invocation's duration as the timeout itself.
    const durationMs = failure.timedOut ? this.fn.timeoutSeconds * 1000 : 0;
    this.report({
      requestId,
      durationMs,
      memorySizeMB: this.fn.memoryMB,
      maxMemoryUsedMB: 0,
      initDurationMs: failure.initDurationMs,
      status: failure.timedOut ? 'timeout' : 'error',
      errorType: failure.timedOut ? undefined : failure.error.errorType,
    }, failure.error.errorType);
    return { outcome: { ok: false, error: failure.error }, durationMs, maxMemoryUsedMB: 0, ended: failure.timedOut ? 'timeout' : 'error' };
  }

  /** Logs the REPORT line and passes its figures to `onReport`. */
  private report(fields: ReportFields, functionErrorType: string | undefined): void {
    this.options.log(reportLine(fields));
    this.options.onReport?.({
      functionId: this.fn.id,
      requestId: fields.requestId,
      durationMs: fields.durationMs,
      billedDurationMs: billedDurationMs(fields),
      memorySizeMB: fields.memorySizeMB,
      maxMemoryUsedMB: fields.maxMemoryUsedMB,
      initDurationMs: fields.initDurationMs,
      errorType: functionErrorType,
    });
  }

  private ended(environment: Environment): void {
    const pooled = this.all.get(environment);
    if (!pooled) return;
    this.all.delete(environment);
    clearTimeout(pooled.idleTimer);

    const index = this.idle.indexOf(pooled);
    if (index !== -1) this.idle.splice(index, 1);
    this.keepTempDir(pooled);
  }

  /** Keeps the temp folder of an environment that crashed or timed out for the next one, as Lambda keeps `/tmp`. */
  private keepTempDir(pooled: PooledEnvironment): void {
    if (pooled.discarded || pooled.tempDirKept || this.closed) return;
    pooled.tempDirKept = true;
    this.freeTempDirs.push(pooled.environment.tempDir);
  }

  private async discard(pooled: PooledEnvironment): Promise<void> {
    pooled.discarded = true;
    clearTimeout(pooled.idleTimer);
    await pooled.environment.terminate();
    await rm(pooled.environment.tempDir, { recursive: true, force: true });
  }

  private currentBundle(): Promise<FunctionBundle> {
    this.bundle ??= runsInProcess(this.fn) ? Promise.resolve(sourceAsBundle(this.fn)) : bundleFunction(this.fn, this.options.buildDir);
    return this.bundle;
  }

  private async takeTempDir(): Promise<string> {
    const reused = this.freeTempDirs.pop();
    if (reused) return reused;

    const dir = path.join(this.options.tempRoot, this.fn.id, `env-${this.nextTempDir++}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }
}

/**
 * Stands for the bundle of a function whose runtime process reads the
 * handler's source file itself, so nothing is built.
 * NOTE: only the handler file counts as an input, so a change to a module
 * it imports does not reload the function.
 */
function sourceAsBundle(fn: FunctionModel): FunctionBundle {
  return { file: fn.handlerFile, exports: [fn.handlerExport], inputs: [fn.handlerFile], rebuilt: false };
}

/** A handler that does not bundle fails at init, as a module that does not load fails on Lambda. */
function bundleError(error: unknown): FunctionError {
  const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
  if (!first) return { errorType: 'Runtime.ImportModuleError', errorMessage: String(error) };

  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
  const errorType = first.text.startsWith('Could not resolve') ? 'Runtime.ImportModuleError' : 'Runtime.UserCodeSyntaxError';
  return { errorType, errorMessage: `Error: ${where}${first.text}` };
}
