/**
 * An Invoker that runs plain functions in the test process, for the logic of
 * event source mappings. A handler that throws gives a function error in
 * Lambda's shape; one that throws a ServiceError makes `invoke` reject, as a
 * throttled invocation does. The end-to-end tests use the real runtime.
 */
import { randomUUID } from 'node:crypto';

import type { FunctionModel } from '../../src/model/index.ts';
import { ServiceError, type InvokeResult, type Invoker } from '../../src/runtime/types.ts';

export type TestHandler = (event: any, call: number) => unknown;

export class InProcessInvoker implements Invoker {
  readonly events: any[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly handler: TestHandler) {}

  async invoke(_fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const requestId = randomUUID();
    // Events cross a channel as JSON in the real runtime, so the test receives them in that form.
    const received = JSON.parse(JSON.stringify(event));
    this.events.push(received);
    try {
      const payload = await this.handler(received, this.events.length);
      return { ok: true, requestId, payload };
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      return { ok: false, requestId, error: { errorType: 'Error', errorMessage: (error as Error).message } };
    } finally {
      this.#settle();
    }
  }

  /** Resolves once `count` invocations have finished. */
  calls(count: number): Promise<void> {
    if (this.events.length >= count && this.#finished >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  #finished = 0;

  #settle(): void {
    this.#finished++;
    for (const waiter of [...this.#waiters]) {
      if (this.#finished < waiter.count) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      // Let the mapping act on the result before the test looks.
      setImmediate(waiter.resolve);
    }
  }
}

/** A function model for mapping tests; the in-process invoker ignores everything but the id. */
export function testFunction(name: string, settings: Partial<FunctionModel> = {}): FunctionModel {
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
    async: { maxRetryAttempts: 2, maxEventAgeSeconds: 21600 },
    ...settings,
  };
}
