/**
 * Shared set-up for the asynchronous invocation tests: function models,
 * an Invoker that runs plain functions in this process, and a way to wait
 * for delivery outcomes as the AsyncInvoker reports them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { DeliveryOutcome } from '../../src/local/async/index.ts';
import type { AsyncInvokeModel, FunctionModel } from '../../src/model/index.ts';
import { ServiceError, type FunctionError, type InvokeOptions, type InvokeResult, type Invoker } from '../../src/runtime/types.ts';

export function tempStateDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-async-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function functionModel(name: string, async: Partial<AsyncInvokeModel> = {}): FunctionModel {
  return {
    id: `jobs.${name}`,
    service: 'jobs',
    name,
    physicalName: `demo-jobs-${name}`,
    handler: `src/${name}.handler`,
    handlerFile: `/app/src/${name}.ts`,
    handlerExport: 'handler',
    runtime: 'nodejs20.x',
    memoryMB: 128,
    timeoutSeconds: 3,
    environment: {},
    links: [],
    async: { maxRetryAttempts: 2, maxEventAgeSeconds: 21600, ...async },
  };
}

export type TestHandler = (event: unknown, requestId: string) => unknown;

export interface Call {
  readonly functionId: string;
  readonly event: unknown;
  readonly requestId: string;
}

/**
 * Runs each function's handler in this process. A handler that throws an
 * Error gives a function error in Lambda's shape; one that throws a
 * ServiceError makes `invoke` reject, as a throttled invocation does.
 */
export class InProcessInvoker implements Invoker {
  readonly calls: Call[] = [];

  constructor(private readonly handlers: Readonly<Record<string, TestHandler>>) {}

  async invoke(fn: FunctionModel, event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const requestId = options.requestId ?? 'no-request-id';
    this.calls.push({ functionId: fn.id, event, requestId });
    const handler = this.handlers[fn.id];
    if (!handler) throw new Error(`no test handler for ${fn.id}`);

    try {
      return { ok: true, requestId, payload: await handler(event, requestId) };
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      const functionError: FunctionError = { errorType: 'Error', errorMessage: (error as Error).message, trace: [`Error: ${(error as Error).message}`] };
      return { ok: false, requestId, error: functionError };
    }
  }
}

/** Collects outcomes and resolves waiters when a matching one arrives. */
export class OutcomeLog {
  readonly outcomes: DeliveryOutcome[] = [];
  private readonly waiters: { matches: (o: DeliveryOutcome) => boolean; resolve: (o: DeliveryOutcome) => void }[] = [];

  readonly record = (outcome: DeliveryOutcome): void => {
    this.outcomes.push(outcome);
    for (const waiter of [...this.waiters]) {
      if (!waiter.matches(outcome)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(outcome);
    }
  };

  /** Resolves with the first outcome, past or future, that matches. */
  waitFor(matches: (o: DeliveryOutcome) => boolean): Promise<DeliveryOutcome> {
    const past = this.outcomes.find(matches);
    if (past) return Promise.resolve(past);
    return new Promise((resolve) => this.waiters.push({ matches, resolve }));
  }
}
