/**
 * Checks, for the model loader, that every Node.js handler file exports the
 * function its `handler` setting names. esbuild reads the file and the local
 * files it re-exports from; packages are not read.
 */
import path from 'node:path';

import * as esbuild from 'esbuild';

import type { AppModel, FunctionModel, ModelProblem } from '../model/index.ts';

/** Returns one problem for each handler export that does not exist or whose file does not build. */
export async function checkHandlerExports(app: AppModel): Promise<ModelProblem[]> {
  const nodeFunctions = app.functions.filter((fn) => fn.runtime === 'nodejs20.x' && fn.handlerFile !== '');
  if (nodeFunctions.length === 0) return [];

  // One build over every handler file reads shared modules once, which keeps `strato dev` start short.
  // A file that does not build fails the whole build, so then each function is checked alone to name it.
  const exportsByFile = await exportsOfAll(nodeFunctions);
  const results = await Promise.all(nodeFunctions.map((fn) => exportsByFile?.has(fn.handlerFile)
    ? missingExport(app, fn, exportsByFile.get(fn.handlerFile))
    : checkFunction(app, fn)));
  return results.flat();
}

/** Exports of each ESM handler file (`undefined` for CommonJS), or nothing when a file does not build. */
async function exportsOfAll(functions: readonly FunctionModel[]): Promise<Map<string, readonly string[] | undefined> | undefined> {
  const files = [...new Set(functions.map((fn) => fn.handlerFile))];
  let metafile: esbuild.Metafile;
  try {
    metafile = (await esbuild.build({ ...BUILD_OPTIONS, entryPoints: files })).metafile;
  } catch {
    return undefined;
  }

  const exportsByFile = new Map<string, readonly string[] | undefined>();
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const file = path.resolve(output.entryPoint);
    const isCommonJs = metafile.inputs[output.entryPoint]?.format === 'cjs';
    exportsByFile.set(file, isCommonJs ? undefined : output.exports);
  }
  return exportsByFile;
}

const BUILD_OPTIONS = {
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  metafile: true,
  outdir: 'out',
  logLevel: 'silent',
} as const satisfies esbuild.BuildOptions;

async function checkFunction(app: AppModel, fn: FunctionModel): Promise<ModelProblem[]> {
  const place = `services.${fn.service}.functions.${fn.name}.handler`;
  const relativeFile = path.relative(app.root, fn.handlerFile);

  let metafile: esbuild.Metafile;
  try {
    metafile = (await esbuild.build({ ...BUILD_OPTIONS, entryPoints: [fn.handlerFile] })).metafile;
  } catch (error) {
    return [{ path: place, message: `${relativeFile} does not build: ${firstBuildError(error)}.`, fix: 'Fix the error in the handler file.' }];
  }

  // The metafile names inputs relative to esbuild's working directory.
  const entry = Object.entries(metafile.inputs).find(([name]) => path.resolve(name) === fn.handlerFile)?.[1];
  // NOTE: a CommonJS handler (`module.exports.handler = ...`) has no static
  // exports; its handler is found only when the function runs.
  if (entry?.format === 'cjs') return [];

  return missingExport(app, fn, Object.values(metafile.outputs)[0]?.exports ?? []);
}

/** Returns the problem of a handler export that is not among the file's exports; `undefined` exports mean CommonJS. */
function missingExport(app: AppModel, fn: FunctionModel, exports: readonly string[] | undefined): ModelProblem[] {
  if (exports === undefined || exports.includes(fn.handlerExport)) return [];

  const place = `services.${fn.service}.functions.${fn.name}.handler`;
  const relativeFile = path.relative(app.root, fn.handlerFile);
  const listed = exports.length > 0 ? `it exports ${exports.map((name) => `"${name}"`).join(', ')}` : 'it exports nothing';
  return [{
    path: place,
    message: `${relativeFile} has no export named "${fn.handlerExport}" (${listed}).`,
    fix: `Export the handler from the file, as \`export const ${fn.handlerExport} = async (event, context) => { ... }\`, or change the name after the last dot of "${fn.handler}".`,
  }];
}

function firstBuildError(error: unknown): string {
  const failure = error as Partial<esbuild.BuildFailure>;
  const first = failure.errors?.[0];
  if (!first) return error instanceof Error ? error.message : String(error);

  const where = first.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '';
  return `${first.text}${where}`;
}
