/**
 * Runs functions locally with Lambda's contract: one pool of execution
 * environments per function, Lambda's payload limits, errors and logs.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';

import type { FunctionModel } from '../model/index.ts';
import { buildBootstrap } from './bootstrap-build.ts';
import type { ResourceRouter } from './channel.ts';
import { ConcurrencyLimit } from './concurrency.ts';
import { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, requestTooLarge, responseTooLarge } from './errors.ts';
import { FunctionPool } from './pool.ts';
import { WorkerFactory } from './worker-factory.ts';
import { ServiceError, type InvocationReport, type InvokeOptions, type InvokeResult, type Invoker } from './types.ts';

export interface FunctionRuntimeOptions {
  /**
   * Folder for bundles, the bootstrap and the environments' temp folders,
   * normally the application's `.strato` folder. It must lie inside the
   * application folder: packages left out of bundles (sharp, better-sqlite3)
   * resolve from the `node_modules` folders above it.
   */
  readonly stateDir: string;
  /** Runs the resource calls of handlers. Without it, every call fails with `ServiceUnavailableException`. */
  readonly router?: ResourceRouter;
  /** Receives every log line of every function: platform lines and the handler's output. */
  readonly onLog?: (functionId: string, line: string) => void;
  /** Receives the figures of every finished invocation, for metrics and cost estimates. */
  readonly onReport?: (report: InvocationReport) => void;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Account id in function ARNs. @default '000000000000' */
  readonly accountId?: string;
  /**
   * Concurrent invocations allowed across all functions; a function's
   * reserved concurrency limits it further.
   * @default 1000
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
   */
  readonly accountConcurrency?: number;
  /**
   * Milliseconds an environment may stay idle before it ends.
   * @default 300000
   */
  readonly idleTimeoutMs?: number;
  /**
   * Milliseconds the init phase of an environment may take, apart from the
   * function timeout. Lambda allows 10 seconds; tests shorten it.
   * @default 10000
   */
  readonly initLimitMs?: number;
  /**
   * Keeps a booted worker ready for each memory size in use, so that a new
   * environment only loads its function.
   * @default true
   */
  readonly spareWorkers?: boolean;
}

export const RUNTIME_DEFAULTS = Object.freeze({
  region: 'us-east-1',
  accountId: '000000000000',
  accountConcurrency: 1000,
  idleTimeoutMs: 5 * 60 * 1000,
  spareWorkers: true,
});

export class FunctionRuntime implements Invoker {
  private readonly options: FunctionRuntimeOptions;
  private readonly settings: Required<Omit<FunctionRuntimeOptions, 'stateDir' | 'router' | 'onLog' | 'onReport' | 'initLimitMs'>>;
  private readonly runtimeDir: string;
  private readonly workers: WorkerFactory;
  private readonly account: ConcurrencyLimit;
  private readonly pools = new Map<string, FunctionPool>();
  private closed = false;

  constructor(options: FunctionRuntimeOptions) {
    this.options = options;
    this.settings = {
      region: options.region ?? RUNTIME_DEFAULTS.region,
      accountId: options.accountId ?? RUNTIME_DEFAULTS.accountId,
      accountConcurrency: options.accountConcurrency ?? RUNTIME_DEFAULTS.accountConcurrency,
      idleTimeoutMs: options.idleTimeoutMs ?? RUNTIME_DEFAULTS.idleTimeoutMs,
      spareWorkers: options.spareWorkers ?? RUNTIME_DEFAULTS.spareWorkers,
    };
    this.account = new ConcurrencyLimit(this.settings.accountConcurrency);
    this.runtimeDir = path.join(options.stateDir, 'runtime');
    this.workers = new WorkerFactory({
      bootstrapFile: () => buildBootstrap(this.runtimeDir),
      keepSpares: this.settings.spareWorkers,
    });
  }

  async invoke(fn: FunctionModel, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.closed) throw new ServiceError('ServiceException', 'The function runtime is closed; start a new one to invoke functions.', 500);
    checkRuntime(fn);
    const eventJson = serializeEvent(event);
    const requestId = options.requestId ?? randomUUID();

    const record = await this.poolFor(fn).run(requestId, eventJson);
    if (!record.outcome.ok) return { ok: false, requestId, error: record.outcome.error };

    const { payload } = record.outcome;
    if (exceedsBytes(payload, MAX_RESPONSE_BYTES)) return { ok: false, requestId, error: responseTooLarge() };
    return { ok: true, requestId, payload: JSON.parse(payload) };
  }

  /** Bundles the function ahead of its first invocation. */
  async prepare(fn: FunctionModel): Promise<void> {
    checkRuntime(fn);
    await this.poolFor(fn).prepare();
  }

  /** Rebundles the function; its warm environments end after their current request. */
  async reload(functionId: string): Promise<void> {
    await this.pools.get(functionId)?.reload();
  }

  /** Returns the number of execution environments the function has now: idle, busy or starting. */
  environmentCount(functionId: string): number {
    return this.pools.get(functionId)?.environmentCount ?? 0;
  }

  /**
   * Returns whether a change to these files calls for a reload of the
   * function: true when its current bundle includes one of them or its last
   * bundle failed, false when it has not run yet.
   */
  async isAffectedBy(functionId: string, files: ReadonlySet<string>): Promise<boolean> {
    const pool = this.pools.get(functionId);
    if (!pool) return false;
    const inputs = await pool.bundleInputs();
    return inputs === undefined || inputs.some((input) => files.has(input));
  }

  /** Ends every environment. Invocations still running fail with `Runtime.ExitError`. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
    await this.workers.close();
  }

  private poolFor(fn: FunctionModel): FunctionPool {
    const existing = this.pools.get(fn.id);
    if (existing) {
      // A reloaded application model brings new function objects: their settings apply from now on.
      if (existing.fn !== fn) void existing.reload(fn);
      return existing;
    }

    const { stateDir, router, onLog } = this.options;
    const pool = new FunctionPool({
      fn,
      workers: this.workers,
      runtimeDir: this.runtimeDir,
      buildDir: path.join(stateDir, 'build'),
      tempRoot: path.join(stateDir, 'tmp'),
      region: this.settings.region,
      accountId: this.settings.accountId,
      router,
      account: this.account,
      accountConcurrency: this.settings.accountConcurrency,
      idleTimeoutMs: this.settings.idleTimeoutMs,
      initLimitMs: this.options.initLimitMs,
      log: onLog ? (line) => onLog(fn.id, line) : () => {},
      onReport: this.options.onReport,
    });
    this.pools.set(fn.id, pool);
    return pool;
  }
}

function checkRuntime(fn: FunctionModel): void {
  // Node.js runs in worker threads, Python in processes through the local Runtime API.
  if (fn.runtime === 'nodejs20.x' || fn.runtime === 'python3.12') return;
  throw new ServiceError(
    'InvalidRuntimeException',
    `Function "${fn.id}" uses runtime ${fn.runtime}, which is not yet supported locally. Use runtime "nodejs20.x" to run it with Strato.`,
    502,
  );
}

function serializeEvent(event: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(event === undefined ? {} : event);
  } catch (error) {
    throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`, 400);
  }
  if (json === undefined) {
    throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: a ${typeof event} is not JSON.`, 400);
  }
  if (exceedsBytes(json, MAX_REQUEST_BYTES)) throw requestTooLarge();
  return json;
}

/** Checks a UTF-8 size limit, counting bytes only when the string could exceed it. */
function exceedsBytes(text: string, limit: number): boolean {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8.
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text) > limit;
}
