/**
 * The contract between the runtime, which runs functions, and the parts of
 * the local cloud that invoke them (the gateway, bucket notifications,
 * queues, streams, the bus).
 */
import type { FunctionModel } from '../model/index.ts';

/** An error object in the shape Lambda returns for a failed invocation. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type InvokeResult =
  | { readonly ok: true; readonly requestId: string; readonly payload: unknown }
  | { readonly ok: false; readonly requestId: string; readonly error: FunctionError };

export interface InvokeOptions {
  /** Request id to reuse, as Lambda does for every retry of one asynchronous event. */
  readonly requestId?: string;
}

/** Runs functions synchronously, as Lambda's `RequestResponse` invocation type. */
export interface Invoker {
  /**
   * Runs the function once with this event. A function error (thrown, timed
   * out, out of memory, crashed) resolves with `ok: false`. The promise
   * rejects only when the function could not run at all, with a
   * `ServiceError` such as `TooManyRequestsException`.
   */
  invoke(fn: FunctionModel, event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
}

/** Figures of one finished invocation, as its REPORT log line gives them. */
export interface InvocationReport {
  readonly functionId: string;
  readonly requestId: string;
  readonly durationMs: number;
  /** Duration Lambda would bill, in whole milliseconds, init included on a cold start. */
  readonly billedDurationMs: number;
  readonly memorySizeMB: number;
  readonly maxMemoryUsedMB: number;
  /** Present only on a cold start. */
  readonly initDurationMs?: number;
  /** Type of the function error, when the invocation failed. */
  readonly errorType?: string;
}

/** An error of the Lambda service itself, as the Invoke API returns it. */
export class ServiceError extends Error {
  constructor(
    /** AWS's error name, such as `TooManyRequestsException`. */
    readonly code: string,
    message: string,
    /** HTTP status of the Invoke API for this error. */
    readonly statusCode: number,
  ) {
    super(message);
    this.name = code;
  }
}
