import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { AppModel, FunctionModel } from '../model/index.ts';
import { BUNDLE_FILE_NAME, EXTERNAL_PACKAGES, bundleFunction } from '../runtime/bundle.ts';
import type { FunctionAsset } from './functions.ts';

/**
 * Builds the deployment package of every function: the same esbuild bundle
 * the local cloud runs, plus the native packages the bundle leaves external
 * (sharp, for one), copied with their dependencies from the application's
 * node_modules.
 */
export async function buildAssets(app: AppModel, outDir: string): Promise<Map<string, FunctionAsset>> {
  const bundleDir = path.join(app.root, '.strato', 'build');
  const assets = new Map<string, FunctionAsset>();

  for (const fn of app.functions) {
    if (fn.runtime === 'python3.12') {
      assets.set(fn.id, pythonAsset(fn));
      continue;
    }

    const bundle = await bundleFunction(fn, bundleDir);
    const dir = path.join(outDir, fn.id);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(path.dirname(bundle.file), dir, { recursive: true });
    copyNativePackages(app.root, readFileSync(bundle.file, 'utf8'), dir);
    assets.set(fn.id, { dir, handler: `${path.basename(BUNDLE_FILE_NAME, '.mjs')}.${fn.handlerExport}` });
  }
  return assets;
}

/** A Python function deploys the folder of its handler file as it is. */
function pythonAsset(fn: FunctionModel): FunctionAsset {
  return { dir: path.dirname(fn.handlerFile), handler: `${path.basename(fn.handlerFile, '.py')}.${fn.handlerExport}` };
}

// NOTE: the packages are copied from this machine's node_modules, so their native parts match Lambda only when
// this machine is Linux on x86_64, as the functions' default architecture is.
function copyNativePackages(root: string, bundleText: string, assetDir: string) {
  const requireFromApp = createRequire(path.join(root, 'package.json'));
  const natives = EXTERNAL_PACKAGES.filter((name) => !name.includes('*') && bundleText.includes(`"${name}"`));
  const copied = new Set<string>();

  const copy = (name: string, from: NodeJS.Require) => {
    if (copied.has(name)) return;
    const manifest = findManifest(name, from);
    if (!manifest) return;
    copied.add(name);

    const packageDir = path.dirname(manifest);
    cpSync(packageDir, path.join(assetDir, 'node_modules', name), { recursive: true, dereference: true });
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    const requireFromPackage = createRequire(manifest);
    for (const dependency of Object.keys({ ...json.dependencies, ...json.optionalDependencies })) copy(dependency, requireFromPackage);
  };
  for (const name of natives) copy(name, requireFromApp);
}

/** Finds a package's package.json, or nothing for an optional dependency of another platform, which is not installed. */
function findManifest(name: string, from: NodeJS.Require): string | undefined {
  for (const base of from.resolve.paths(name) ?? []) {
    const manifest = path.join(base, name, 'package.json');
    if (existsSync(manifest)) return manifest;
  }
  return undefined;
}
