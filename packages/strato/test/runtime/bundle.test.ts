import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { resolveApp } from '../../src/model/index.ts';
import { bundleFunction, checkHandlerExports } from '../../src/runtime/index.ts';
import { fixtureFunction, HANDLERS_DIR, payloadOf, startRuntime } from './helpers.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-bundle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('bundle is ESM with a source map and the handler export', async (t) => {
  const outDir = tempDir(t);
  const bundle = await bundleFunction(fixtureFunction('echo', { handler: 'echo.handler' }), outDir);

  assert.equal(bundle.file, path.join(outDir, 'handlers.echo', 'index.mjs'));
  assert.ok(bundle.exports.includes('handler'));
  assert.ok(bundle.inputs.includes(path.join(HANDLERS_DIR, 'echo.ts')));
  const module = await import(bundle.file) as { handler: unknown };
  assert.equal(typeof module.handler, 'function');
});

test('bundle is rebuilt only when a source changed', async (t) => {
  const outDir = tempDir(t);
  const sourceDir = tempDir(t);
  writeFileSync(path.join(sourceDir, 'helper.mjs'), 'export const word = "one";');
  writeFileSync(path.join(sourceDir, 'main.mjs'), 'import { word } from "./helper.mjs"; export const handler = async () => word;');
  const fn = { ...fixtureFunction('cached', { handler: 'echo.handler' }), handlerFile: path.join(sourceDir, 'main.mjs') };

  assert.equal((await bundleFunction(fn, outDir)).rebuilt, true);
  assert.equal((await bundleFunction(fn, outDir)).rebuilt, false);

  // A change in an imported file counts too.
  writeFileSync(path.join(sourceDir, 'helper.mjs'), 'export const word = "two";');
  utimesSync(path.join(sourceDir, 'helper.mjs'), new Date(), new Date(Date.now() + 5000));
  assert.equal((await bundleFunction(fn, outDir)).rebuilt, true);
});

test('native packages stay external and load at run time', async (t) => {
  // The state folder lies inside the repository, so `sharp` resolves from its node_modules.
  const parent = path.join(HANDLERS_DIR, '.strato');
  mkdirSync(parent, { recursive: true });
  const stateDir = mkdtempSync(path.join(parent, 'native-'));
  const harness = startRuntime({ stateDir });
  t.after(() => harness.close());
  const fn = fixtureFunction('native', { handler: 'native.handler', memory: 512, timeout: 30 });

  const result = await harness.runtime.invoke(fn, {});

  assert.deepEqual(payloadOf(result), { width: 4, height: 3, format: 'png' });
});

test('CommonJS handlers run', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('commonjs', { handler: 'counter.handler' });
  // The model looks for .ts, .mts, .js and .mjs files; point it at the .cjs file directly.
  const cjs = { ...fn, handlerFile: path.join(HANDLERS_DIR, 'commonjs.cjs') };

  assert.deepEqual(payloadOf(await harness.runtime.invoke(cjs, { a: 1 })), { style: 'commonjs', event: { a: 1 } });
});

test('syntax error fails the invocation with its place', async (t) => {
  const harness = startRuntime();
  t.after(() => harness.close());
  const fn = fixtureFunction('syntax-error', { handler: 'syntax-error.handler' });
  const result = await harness.runtime.invoke(fn, {});

  assert.equal(!result.ok && result.error.errorType, 'Runtime.UserCodeSyntaxError');
  assert.match(!result.ok ? result.error.errorMessage : '', /syntax-error\.mjs:2:\d+: Expected/);
});

test('handler export check reports what is missing', async () => {
  const app = resolveApp({
    name: 'fx',
    services: {
      handlers: {
        functions: {
          good: { handler: 'echo.handler' },
          reexported: { handler: 'reexports.main' },
          counter: { handler: 'counter.handler' },
          typo: { handler: 'counter.hanlder' },
          broken: { handler: 'syntax-error.handler' },
        },
      },
    },
  }, HANDLERS_DIR);

  const problems = await checkHandlerExports(app);

  assert.deepEqual(problems.map((problem) => problem.path), [
    'services.handlers.functions.typo.handler',
    'services.handlers.functions.broken.handler',
  ]);
  assert.equal(problems[0]!.message, 'counter.mjs has no export named "hanlder" (it exports "handler").');
  assert.match(problems[0]!.fix, /export const hanlder = async \(event, context\)/);
  assert.match(problems[1]!.message, /^syntax-error\.mjs does not build: Expected .* \(line 2, column \d+\)\.$/);
});
