import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { resolveApp, type FunctionConfig, type FunctionModel } from '../../src/model/index.ts';
import { FunctionRuntime, type FunctionRuntimeOptions, type InvokeResult } from '../../src/runtime/index.ts';

export const HANDLERS_DIR = path.join(import.meta.dirname, '../fixtures/handlers');

/** Resolves one function of the fixture handlers through the real model, in app `fx`, service `handlers`. */
export function fixtureFunction(name: string, config: FunctionConfig): FunctionModel {
  const app = resolveApp({ name: 'fx', services: { handlers: { functions: { [name]: config } } } }, HANDLERS_DIR);
  return app.functions[0]!;
}

export interface TestRuntime {
  readonly runtime: FunctionRuntime;
  readonly stateDir: string;
  /** Log lines of one function, in order. */
  logsOf(fn: FunctionModel): string[];
  close(): Promise<void>;
}

/** Starts a runtime with its state in a fresh temp folder; `close` ends it and removes the folder. */
export function startRuntime(options: Partial<FunctionRuntimeOptions> = {}): TestRuntime {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'strato-runtime-'));
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
    stateDir,
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
