/** The watcher behind `strato dev`'s reloads. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { FileWatcher } from '../../src/cli/file-watcher.ts';

let root: string;
let watcher: FileWatcher;
const batches: string[][] = [];
let onBatch: (() => void) | undefined;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'strato-watch-'));
  mkdirSync(path.join(root, 'src'));
  mkdirSync(path.join(root, 'node_modules/some-package'), { recursive: true });
  watcher = await FileWatcher.start({
    root,
    debounceMs: 20,
    onChange: (files) => {
      batches.push([...files]);
      onBatch?.();
    },
  });
});
after(() => {
  watcher.close();
  rmSync(root, { recursive: true, force: true });
});

/** Runs `change` and resolves with every path reported until `expected` shows up. */
async function changesAfter(change: () => void, expected: string): Promise<string[]> {
  const seen: string[] = [];
  const found = new Promise<void>((resolve) => {
    onBatch = () => {
      seen.push(...batches.splice(0).flat());
      if (seen.includes(expected)) resolve();
    };
  });
  change();
  await found;
  onBatch = undefined;
  return seen;
}

test('change in a subfolder is reported', async () => {
  const file = path.join(root, 'src/handler.ts');
  const seen = await changesAfter(() => writeFileSync(file, 'export const handler = 1;'), file);

  assert.ok(seen.includes(file));
});

test('new folder is watched too', async () => {
  const file = path.join(root, 'src/lib/util.ts');
  const seen = await changesAfter(() => {
    mkdirSync(path.join(root, 'src/lib'));
    // Written after the folder's own watch is in place; the folder's creation is reported first.
    setTimeout(() => writeFileSync(file, 'export const util = 1;'), 200);
  }, file);

  assert.ok(seen.includes(file));
});

test('node_modules changes are not reported', async () => {
  const marker = path.join(root, 'src/marker.ts');
  const seen = await changesAfter(() => {
    writeFileSync(path.join(root, 'node_modules/some-package/index.js'), 'module.exports = 1;');
    setTimeout(() => writeFileSync(marker, ''), 100);
  }, marker);

  assert.ok(!seen.some((file) => file.includes('node_modules')), seen.join('\n'));
});
