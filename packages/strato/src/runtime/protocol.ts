/**
 * Messages between the local cloud's main thread and the bootstrap running in
 * an execution environment (a worker thread). Both ends share one
 * MessagePort: the worker's `parentPort`.
 */
import type { ResourceCall, ResourceReply } from './channel.ts';
import type { FunctionError } from './types.ts';

/** Settings an environment needs to load its function, sent once right after the worker boots. */
export interface EnvironmentInit {
  /** Absolute path of the function's ESM bundle. */
  readonly bundleFile: string;
  readonly handlerExport: string;
  /** `index.<export>`, the handler string Lambda has for the bundled asset. */
  readonly handlerName: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /**
   * Two Int32 values the worker updates each time it checks its memory: a
   * counter, so the main thread detects a blocked event loop, and the peak
   * memory used in MB, for the REPORT of an invocation that timed out.
   */
  readonly heartbeat: SharedArrayBuffer;
  /** Every environment variable the function receives. Nothing of the host's is added. */
  readonly environment: Readonly<Record<string, string>>;
}

export type MainToWorker =
  | ({ readonly type: 'init' } & EnvironmentInit)
  | {
      readonly type: 'invoke';
      readonly requestId: string;
      /** The event as JSON, so the handler gets a fresh copy parsed as Lambda parses it. */
      readonly event: string;
      /** Epoch milliseconds at which the invocation times out. */
      readonly deadline: number;
    }
  | ({ readonly type: 'reply' } & ResourceReply);

export type WorkerToMain =
  | { readonly type: 'booted' }
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: FunctionError }
  | { readonly type: 'log'; readonly line: string }
  /** Sent right before the runtime exits because its heap and external memory passed the memory size. */
  | { readonly type: 'out-of-memory'; readonly memoryUsedMB: number }
  | ({ readonly type: 'call' } & ResourceCall)
  | {
      readonly type: 'result';
      readonly requestId: string;
      /** The handler's result as JSON, or its error. */
      readonly outcome: { readonly ok: true; readonly payload: string } | { readonly ok: false; readonly error: FunctionError };
      readonly durationMs: number;
      /** Heap and external memory of the environment after the invocation, in MB. */
      readonly memoryUsedMB: number;
      /** True when the runtime ends the environment after this result (an uncaught exception). */
      readonly exiting?: boolean;
    };
