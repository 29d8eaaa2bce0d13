/**
 * One execution environment of a function that runs in its own process: a
 * Runtime API server on 127.0.0.1 and the runtime process that polls it,
 * one invocation at a time. The public surface matches the worker-thread
 * `ExecutionEnvironment`, so the function's pool runs either kind. The
 * timeout kills the process, which stops even a busy loop and ends only
 * this environment.
 * NOTE: the memory size is reported, not enforced: a process may use more
 * than the function's memory without Runtime.OutOfMemory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { FunctionModel } from '../../model/index.ts';
import { debug } from '../../observe/logger.ts';
import type { ResourceRouter } from '../channel.ts';
import { forwardLines, INIT_LIMIT_MS, newLogStreamName, type EnvironmentState, type InvocationOutcome, type InvocationRecord } from '../environment.ts';
import { lambdaEnvironment, logGroupName } from '../env-vars.ts';
import { responseTooLarge, runtimeExited, timedOut } from '../errors.ts';
import { timeoutLine } from '../log-lines.ts';
import type { FunctionError } from '../types.ts';
import type { RuntimeLaunch } from './launch.ts';
import { RESOURCE_PATH } from './resource-endpoint.ts';
import { RuntimeApiServer, type RuntimeResult } from './runtime-api-server.ts';

export interface ProcessEnvironmentOptions {
  readonly fn: FunctionModel;
  readonly launch: RuntimeLaunch;
  readonly tempDir: string;
  readonly region: string;
  readonly accountId: string;
  /** Runs the handler's resource calls. Without it, every call fails with `ServiceUnavailableException`. */
  readonly router?: ResourceRouter;
  /** Receives every log line of this environment. */
  readonly log: (line: string) => void;
  /** Limit of the init phase in milliseconds; tests shorten it. @default 10000 */
  readonly initLimitMs?: number;
  /** Called once when the environment has ended, for whatever reason. */
  readonly onEnded: (environment: ProcessEnvironment) => void;
}

interface RunningInvocation {
  readonly requestId: string;
  readonly startedAt: number;
  readonly resolve: (record: InvocationRecord) => void;
}

const trace = debug('runtime');

export class ProcessEnvironment {
  state: EnvironmentState = 'starting';
  /** Milliseconds from the process start to its first poll for an invocation. */
  initDurationMs = 0;
  /** True until the first invocation has been reported, which carries the init duration. */
  coldStart = true;
  /** True when init ran past its limit and the function timeout: the first request then logs a timeout. */
  initTimedOut = false;
  readonly logStreamName: string;
  readonly tempDir: string;

  private readonly options: ProcessEnvironmentOptions;
  private readonly server: RuntimeApiServer;
  private readonly invokedFunctionArn: string;
  private child: ChildProcess | undefined;
  private createdAt = 0;
  private exited: Promise<void> | undefined;
  private maxMemoryUsedMB = 0;
  private running: RunningInvocation | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private startSettled: ((error: FunctionError | undefined) => void) | undefined;

  constructor(options: ProcessEnvironmentOptions) {
    this.options = options;
    this.tempDir = options.tempDir;
    this.logStreamName = newLogStreamName();
    this.invokedFunctionArn = `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.fn.physicalName}`;
    this.server = new RuntimeApiServer({
      onReady: () => this.ready(),
      onResult: (requestId, result) => this.result(requestId, result),
      onInitError: (body) => this.initFailed(body),
      onResourceCall: async (call) => {
        if (!options.router) throw Object.assign(new Error(`No local cloud serves resource calls in this run, so ${call.kind} "${call.resource}" cannot be reached.`), { name: 'ServiceUnavailableException' });
        return await options.router.handle(options.fn.id, call);
      },
    });
  }

  /**
   * Starts the runtime process and waits until it polls for its first
   * invocation, for the request that caused the cold start. Resolves with
   * the init error when it failed; the environment has then ended. The init
   * phase has its own limit, as for worker environments (see
   * `ExecutionEnvironment.start`).
   */
  async start(requestId: string): Promise<FunctionError | undefined> {
    const { timeoutSeconds } = this.options.fn;
    const giveUpMs = Math.max(this.options.initLimitMs ?? INIT_LIMIT_MS, timeoutSeconds * 1000);
    const settled = new Promise<FunctionError | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.initDurationMs = performance.now() - this.createdAt;
        this.initTimedOut = true;
        this.settleStart(timedOut(requestId, timeoutSeconds));
        void this.terminate();
      }, giveUpMs);
      this.startSettled = (error) => {
        clearTimeout(timer);
        resolve(error);
      };
    });

    this.createdAt = performance.now();
    const address = await this.server.listen();
    if (this.state === 'ended') return settled;
    this.spawnRuntime(address);
    return settled;
  }

  /** Runs one invocation. Never rejects: every failure is a function error in the record. */
  invoke(requestId: string, eventJson: string): Promise<InvocationRecord> {
    const timeoutMs = this.options.fn.timeoutSeconds * 1000;
    this.state = 'busy';

    if (this.timeoutTimer) this.timeoutTimer.refresh();
    else this.timeoutTimer = setTimeout(() => this.timeOut(), timeoutMs).unref();

    return new Promise((resolve) => {
      this.running = { requestId, startedAt: performance.now(), resolve };
      this.server.deliver({ requestId, eventJson, deadlineMs: Date.now() + timeoutMs, invokedFunctionArn: this.invokedFunctionArn, traceId: newTraceId() });
    });
  }

  /** Kills the process. An invocation still running fails as if the runtime exited. */
  async terminate(): Promise<void> {
    this.state = 'ended';
    clearTimeout(this.timeoutTimer);
    if (this.child && this.exited) {
      this.child.kill('SIGKILL');
      await this.exited;
    } else {
      // The process never started, so no exit event will end the environment.
      this.settleStart({ errorType: 'Runtime.ExitError', errorMessage: 'Error: Runtime exited without providing a reason' });
      await this.server.close();
    }
  }

  private spawnRuntime(address: string): void {
    const { fn, launch } = this.options;
    const environment = {
      ...lambdaEnvironment({
        fn,
        region: this.options.region,
        logGroupName: logGroupName(fn),
        logStreamName: this.logStreamName,
        handlerName: launch.handlerName,
        taskRoot: launch.taskRoot,
        runtimeDir: launch.runtimeDir,
        tempDir: this.tempDir,
      }),
      AWS_LAMBDA_RUNTIME_API: address,
      // The HTTP channel to the local cloud; the Python module strato_client reads it.
      STRATO_RESOURCE_API: `http://${address}${RESOURCE_PATH}`,
    };

    const child = spawn(launch.command, launch.args, { cwd: launch.taskRoot, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.ended(code, signal);
        resolve();
      });
      // A process that could not start may emit no close event.
      child.once('error', (error) => {
        this.spawnFailed(error);
        if (child.pid === undefined) resolve();
      });
    });
    forwardLines(child.stdout!, this.options.log);
    forwardLines(child.stderr!, this.options.log);
  }

  private ready(): void {
    this.initDurationMs = performance.now() - this.createdAt;
    trace('%s: runtime polled %s ms after the process started', this.options.fn.id, this.initDurationMs.toFixed(1));
    this.state = 'idle';
    this.settleStart(undefined);
  }

  private initFailed(body: string): void {
    this.initDurationMs = performance.now() - this.createdAt;
    this.settleStart(parseFunctionError(body, 'Runtime.Unknown'));
    // The runtime exits after init/error; this ends it if it does not.
    void this.terminate();
  }

  private spawnFailed(error: NodeJS.ErrnoException): void {
    const hint = error.code === 'ENOENT' ? ` Install it, or set STRATO_PYTHON to the interpreter to use.` : '';
    this.options.log(`Could not start the runtime of ${this.options.fn.id} with "${this.options.launch.command}": ${error.message}.${hint}`);
    this.settleStart({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `Error: fork/exec ${this.options.launch.command}: ${error.message}` });
  }

  private result(requestId: string, result: RuntimeResult): void {
    const running = this.running;
    if (running?.requestId !== requestId) return;

    const record: InvocationRecord = {
      outcome: outcomeOf(result),
      durationMs: performance.now() - running.startedAt,
      maxMemoryUsedMB: this.recordMemory(),
    };
    // Output the handler printed just before it returned arrives on a pipe; one turn of the event loop lets it reach the log before END.
    setImmediate(() => this.settle(record));
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
      maxMemoryUsedMB: this.maxMemoryUsedMB,
      ended: 'timeout',
    });
    void this.terminate();
  }

  private ended(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'ended';
    clearTimeout(this.timeoutTimer);
    void this.server.close();

    const running = this.running;
    if (running) {
      this.settle({
        outcome: { ok: false, error: exitError(running.requestId, exitCode, signal) },
        durationMs: performance.now() - running.startedAt,
        maxMemoryUsedMB: this.maxMemoryUsedMB,
        ended: 'error',
      });
    }
    if (this.startSettled) {
      this.initDurationMs = performance.now() - this.createdAt;
      // Without a request, the message starts at "Error:", as a worker environment's init failure does.
      const { errorType, errorMessage } = exitError('', exitCode, signal);
      this.settleStart({ errorType, errorMessage: errorMessage.replace(/^RequestId: +/, '') });
    }
    this.options.onEnded(this);
  }

  private settle(record: InvocationRecord): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    if (record.ended) this.state = 'ended';
    else if (this.state === 'busy') this.state = 'idle';
    running.resolve(record);
  }

  private settleStart(error: FunctionError | undefined): void {
    const settle = this.startSettled;
    this.startSettled = undefined;
    settle?.(error);
  }

  /** Reads the process's peak resident memory (`VmHWM`), on Linux; elsewhere it stays 0. */
  private recordMemory(): number {
    const pid = this.child?.pid;
    if (pid === undefined || process.platform !== 'linux') return this.maxMemoryUsedMB;
    try {
      const peakKB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      this.maxMemoryUsedMB = Math.max(this.maxMemoryUsedMB, Math.ceil(peakKB / 1024));
    } catch {
      // The process has just exited, so the last reading is kept.
    }
    return this.maxMemoryUsedMB;
  }
}

function outcomeOf(result: RuntimeResult): InvocationOutcome {
  switch (result.type) {
    case 'too-large':
      return { ok: false, error: responseTooLarge() };
    case 'error':
      return { ok: false, error: parseFunctionError(result.body, result.errorType ?? 'Runtime.Unknown') };
    case 'response':
      if (!isJson(result.body)) {
        // NOTE: Lambda passes a custom runtime's non-JSON response through as bytes; the local Invoker returns parsed JSON only.
        return { ok: false, error: { errorType: 'Runtime.MarshalError', errorMessage: 'Unable to marshal response: the runtime posted a response body that is not JSON.' } };
      }
      return { ok: true, payload: result.body };
  }
}

/**
 * Reads the error a runtime posted. The object passes through whole, so a
 * Python error keeps its `requestId` and `stackTrace` beside `errorType`
 * and `errorMessage`, as Lambda returns it.
 */
function parseFunctionError(body: string, fallbackType: string): FunctionError {
  try {
    const parsed = JSON.parse(body) as Partial<FunctionError> | null;
    if (parsed && typeof parsed === 'object' && typeof parsed.errorMessage === 'string') {
      return { ...parsed, errorType: typeof parsed.errorType === 'string' ? parsed.errorType : fallbackType, errorMessage: parsed.errorMessage };
    }
  } catch {
    // Not JSON: the body itself is the message.
  }
  return { errorType: fallbackType, errorMessage: body };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Builds Lambda's error for a runtime process that exited with a code or was killed by a signal. */
function exitError(requestId: string, exitCode: number | null, signal: NodeJS.Signals | null): FunctionError {
  if (signal === null) return runtimeExited(requestId, exitCode ?? 0);
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: ${SIGNAL_TEXT[signal] ?? signal}` };
}

/** Signal descriptions in the wording of Lambda's messages, which come from Go's `os/exec`. */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
};

/** Returns an X-Ray trace header for one invocation, as `Lambda-Runtime-Trace-Id` carries it. */
function newTraceId(): string {
  const epochSeconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epochSeconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
