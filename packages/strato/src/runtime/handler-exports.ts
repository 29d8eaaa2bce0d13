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
  const results = await Promise.all(nodeFunctions.map((fn) => checkFunction(app, fn)));
  return results.flat();
}

async function checkFunction(app: AppModel, fn: FunctionModel): Promise<ModelProblem[]> {
  const place = `services.${fn.service}.functions.${fn.name}.handler`;
  const relativeFile = path.relative(app.root, fn.handlerFile);

  let metafile: esbuild.Metafile;
  try {
    const result = await esbuild.build({
      entryPoints: [fn.handlerFile],
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      outdir: 'out',
      logLevel: 'silent',
    });
    metafile = result.metafile;
  } catch (error) {
    return [{ path: place, message: `${relativeFile} does not build: ${firstBuildError(error)}.`, fix: 'Fix the error in the handler file.' }];
  }

  // The metafile names inputs relative to esbuild's working directory.
  const entry = Object.entries(metafile.inputs).find(([name]) => path.resolve(name) === fn.handlerFile)?.[1];
  // NOTE: a CommonJS handler (`module.exports.handler = ...`) has no static
  // exports; its handler is found only when the function runs.
  if (entry?.format === 'cjs') return [];

  const exports = Object.values(metafile.outputs)[0]?.exports ?? [];
  if (exports.includes(fn.handlerExport)) return [];

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
