/**
 * Shared set-up of the Python runtime tests: functions over the handlers in
 * `fixtures`, run by a real function runtime whose log lines are kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { resolveApp, type FunctionConfig, type FunctionModel } from '../../src/model/index.ts';
import { FunctionRuntime, type FunctionRuntimeOptions, type InvokeResult } from '../../src/runtime/index.ts';

export const FIXTURES_DIR = path.join(import.meta.dirname, 'fixtures');

/** Resolves functions of service `py` in application `fx` over the fixtures; each handler path is relative to `fixtures`. */
export function fixtureFunctions<Names extends string>(configs: Record<Names, FunctionConfig>): Record<Names, FunctionModel> {
  const app = resolveApp({ name: 'fx', services: { py: { functions: configs } } }, FIXTURES_DIR);
  return Object.fromEntries(app.functions.map((fn) => [fn.name, fn])) as Record<Names, FunctionModel>;
}

/**
 * A Python function over `fixtures/handlers.py`, named after the handler with
 * dashes for underscores. Its timeout defaults to 10 s, because the init phase
 * counts against it and a loaded machine starts Python slowly.
 */
export function pythonFunction(handlerName: string, config: Partial<FunctionConfig> = {}): FunctionModel {
  const name = handlerName.replaceAll('_', '-');
  return fixtureFunctions({ [name]: { handler: `handlers.${handlerName}`, runtime: 'python3.12', timeout: 10, ...config } })[name]!;
}

export interface TestRuntime {
  readonly runtime: FunctionRuntime;
  /** Log lines of one function, in order. */
  logsOf(fn: FunctionModel): string[];
  close(): Promise<void>;
}

/** Starts a runtime with its state in a fresh temp folder; `close` ends it and removes the folder. */
export function startRuntime(options: Partial<FunctionRuntimeOptions> = {}): TestRuntime {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-python-'));
  const logs = new Map<string, string[]>();
  const runtime = new FunctionRuntime({
    ...options,
    stateDir,
    onLog: (functionId, line) => {
      const lines = logs.get(functionId) ?? [];
      lines.push(line);
      logs.set(functionId, lines);
    },
  });
  return {
    runtime,
    logsOf: (fn) => logs.get(fn.id) ?? [],
    close: async () => {
      await runtime.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Returns the payload of a successful invocation, failing the test with the function error otherwise. */
export function payloadOf(result: InvokeResult): unknown {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.payload;
}

/** Returns the error of a failed invocation, failing the test when it succeeded. */
export function errorOf(result: InvokeResult): Record<string, unknown> {
  if (result.ok) throw new Error(`expected a function error, got ${JSON.stringify(result.payload)}`);
  return result.error as unknown as Record<string, unknown>;
}
