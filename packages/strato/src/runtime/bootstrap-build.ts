/**
 * Compiles the worker bootstrap with esbuild into one plain ESM file, once
 * per process, so that a new execution environment starts without a
 * TypeScript loader.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import * as esbuild from 'esbuild';

const BOOTSTRAP_SOURCE = path.join(import.meta.dirname, 'bootstrap', 'worker.ts');

const builds = new Map<string, Promise<string>>();

/** Builds `bootstrap.mjs` into the folder and returns its path; later calls for the same folder reuse the first build. */
export function buildBootstrap(outDir: string): Promise<string> {
  let build = builds.get(outDir);
  if (!build) {
    build = compile(outDir);
    builds.set(outDir, build);
    build.catch(() => builds.delete(outDir));
  }
  return build;
}

async function compile(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, 'bootstrap.mjs');
  await esbuild.build({
    entryPoints: [BOOTSTRAP_SOURCE],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
}
