/**
 * Bundles a Node.js handler with esbuild into one ESM file. The same bundle
 * is the function's Lambda asset (`index.mjs`, handler `index.<export>`).
 * A bundle is rebuilt only when one of its input files changed.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import * as esbuild from 'esbuild';

import type { FunctionModel } from '../model/index.ts';

/**
 * Packages left out of the bundle. Native addons cannot be bundled, so they
 * resolve at run time from the `node_modules` folders above the bundle, which
 * is why bundles live inside the application folder. The AWS SDK v3 is part
 * of the Node.js 20 Lambda runtime, as the CDK's `NodejsFunction` assumes.
 */
export const EXTERNAL_PACKAGES: readonly string[] = Object.freeze(['sharp', 'better-sqlite3', '@aws-sdk/*']);

/** File name of the bundle inside its folder; Lambda loads it as `index.<export>`. */
export const BUNDLE_FILE_NAME = 'index.mjs';

// An ESM bundle has no `require`, `__filename` or `__dirname`, which bundled
// CommonJS dependencies still use.
const COMMONJS_SHIMS = [
  "import { createRequire as __stratoCreateRequire } from 'node:module';",
  "import { fileURLToPath as __stratoFileURLToPath } from 'node:url';",
  'const require = __stratoCreateRequire(import.meta.url);',
  'const __filename = __stratoFileURLToPath(import.meta.url);',
  "const __dirname = __stratoFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

export interface FunctionBundle {
  /** Absolute path of `index.mjs`. */
  readonly file: string;
  /** Names the bundle exports. */
  readonly exports: readonly string[];
  /** Absolute paths of the source files that went into the bundle. */
  readonly inputs: readonly string[];
  /** False when the bundle on disk was still current and esbuild did not run. */
  readonly rebuilt: boolean;
}

/** What the cache file next to a bundle records about the build that made it. */
interface BuildStamp {
  readonly key: string;
  readonly exports: readonly string[];
  readonly inputs: readonly { readonly file: string; readonly mtimeMs: number; readonly size: number }[];
}

const STAMP_FILE_NAME = 'build.json';

/**
 * Bundles the function's handler into `<outDir>/<function id>/index.mjs`
 * with a source map. Skips esbuild when the previous bundle's inputs have
 * not changed since it was built.
 */
export async function bundleFunction(fn: FunctionModel, outDir: string): Promise<FunctionBundle> {
  if (fn.runtime !== 'nodejs20.x') {
    throw new Error(`Function "${fn.id}" has runtime ${fn.runtime}, and only nodejs20.x functions are bundled with esbuild.`);
  }
  const dir = path.join(outDir, fn.id);
  const file = path.join(dir, BUNDLE_FILE_NAME);
  const stampFile = path.join(dir, STAMP_FILE_NAME);
  const key = buildKey(fn);

  const previous = await readStamp(stampFile);
  if (previous && previous.key === key && (await inputsUnchanged(previous))) {
    return { file, exports: previous.exports, inputs: previous.inputs.map((input) => input.file), rebuilt: false };
  }

  await mkdir(dir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [fn.handlerFile],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    external: [...EXTERNAL_PACKAGES],
    banner: { js: COMMONJS_SHIMS },
    logLevel: 'silent',
  });

  const stamp = await stampOf(key, result.metafile, file);
  await writeFile(stampFile, JSON.stringify(stamp));
  return { file, exports: stamp.exports, inputs: stamp.inputs.map((input) => input.file), rebuilt: true };
}

function buildKey(fn: FunctionModel): string {
  return JSON.stringify({ esbuild: esbuild.version, entry: fn.handlerFile, external: EXTERNAL_PACKAGES });
}

async function readStamp(stampFile: string): Promise<BuildStamp | undefined> {
  try {
    return JSON.parse(await readFile(stampFile, 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

async function inputsUnchanged(stamp: BuildStamp): Promise<boolean> {
  const checks = stamp.inputs.map(async (input) => {
    const info = await stat(input.file).catch(() => undefined);
    return info !== undefined && info.mtimeMs === input.mtimeMs && info.size === input.size;
  });
  return (await Promise.all(checks)).every(Boolean);
}

async function stampOf(key: string, metafile: esbuild.Metafile, outFile: string): Promise<BuildStamp> {
  // The metafile names inputs relative to esbuild's working directory.
  // Virtual inputs such as `<runtime>` have no file and are left out.
  const files = Object.keys(metafile.inputs).map((input) => path.resolve(input));
  const found = await Promise.all(files.map(async (file) => {
    const info = await stat(file).catch(() => undefined);
    return info ? [{ file, mtimeMs: info.mtimeMs, size: info.size }] : [];
  }));
  const inputs = found.flat();

  const output = Object.entries(metafile.outputs).find(([name]) => path.resolve(name) === outFile)?.[1];
  return { key, exports: output?.exports ?? [], inputs };
}
