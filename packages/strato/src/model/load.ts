import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { tsImport } from 'tsx/esm/api';

import type { AppConfig } from './config.ts';
import type { AppModel } from './model.ts';
import { ModelError } from './problems.ts';
import { resolveApp } from './resolve.ts';

export const CONFIG_FILE = 'strato.config.ts';

export interface LoadOptions {
  /**
   * Also check that every Node handler file exports its handler, which takes
   * one esbuild pass over the handlers.
   * @default true
   */
  readonly checkExports?: boolean;
}

/** Loads `strato.config.ts` from an application folder and resolves it into a model. */
export async function loadApp(dir: string, options: LoadOptions = {}): Promise<AppModel> {
  const root = path.resolve(dir);
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new ModelError([{ path: CONFIG_FILE, message: `no ${CONFIG_FILE} found in ${root}.`, fix: 'Run the command in an application folder or pass its path.' }]);
  }

  // A query string makes each load a fresh module, so a reload reads the edited config.
  const url = `${pathToFileURL(file).href}?load=${Date.now()}`;
  let module: { default?: AppConfig };
  try {
    module = (await tsImport(url, import.meta.url)) as { default?: AppConfig };
  } catch (error) {
    throw new ModelError([{ path: CONFIG_FILE, message: `loading ${file} failed: ${describeLoadError(error, file)}`, fix: 'Fix the error at the file and line the message names.' }]);
  }
  const config = defaultExportOf(module);
  if (config === undefined || config === null || typeof config !== 'object') {
    const found = config === undefined ? 'no default export' : `a default export of type ${typeof config}`;
    throw new ModelError([{ path: CONFIG_FILE, message: `the file has ${found}.`, fix: 'End it with `export default defineApp({ ... })`.' }]);
  }
  const app = resolveApp(config as AppConfig, root);

  if (options.checkExports ?? true) {
    // Imported here because the runtime's bundler is heavier than the model, which tests also load alone.
    const { checkHandlerExports } = await import('../runtime/handler-exports.ts');
    const problems = await checkHandlerExports(app);
    if (problems.length > 0) throw new ModelError(problems);
  }
  return app;
}

/** Returns the error's message with the first stack line inside the config file, so the reader sees where it failed. */
function describeLoadError(error: unknown, file: string): string {
  if (!(error instanceof Error)) return String(error);
  const place = error.stack?.split('\n').find((line) => line.includes(file));
  return place ? `${error.message} (${place.trim().replace(/^at /, '')})` : error.message;
}

/**
 * Returns the config's default export. In a folder whose package.json is not
 * `"type": "module"`, the file loads as CommonJS and the export arrives one
 * level deeper, as `default.default`.
 */
function defaultExportOf(module: { default?: unknown }): unknown {
  const value = module.default;
  const nested = value && typeof value === 'object' && '__esModule' in value && 'default' in value ? (value as { default: unknown }).default : undefined;
  return nested ?? value;
}
