/**
 * Runs `npm run demo`'s script against the local cloud, as a person would
 * after `npm start`, and checks what it prints.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { APP_DIR, startPhotoSharing, type RunningApp } from './helpers.ts';

const DEMO_SCRIPT = path.join(APP_DIR, 'scripts/demo.ts');

let running: RunningApp;

before(async () => {
  running = await startPhotoSharing();
});

after(async () => {
  await running?.stop();
});

/** Runs the demo with tsx and returns its exit code and output, whether it succeeded or not. */
async function runDemo(args: readonly string[], baseUrl: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', DEMO_SCRIPT, ...args], {
      cwd: APP_DIR,
      env: { ...process.env, STRATO_URL: baseUrl },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

test('demo uploads the demo photos', async () => {
  const result = await runDemo([], running.url);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^badge\.png\s+ready\s+240x160 -> small 240x160 .*, large 240x160 /m);
  assert.match(result.stdout, /^harbour\.jpg\s+ready\s+1600x1000 -> small 320x200 .*, large 1280x800 /m);
  assert.match(result.stdout, /^lighthouse\.jpg\s+ready\s+900x1200 -> small 240x320 .*, large 900x1200 /m);
  assert.match(result.stdout, /3 of 3 photos ready/);
});

test('demo reports a file that is not an image', async () => {
  const folder = mkdtempSync(path.join(APP_DIR, '.strato', 'demo-folder-'));
  try {
    writeFileSync(path.join(folder, 'notes.jpg'), 'These are notes, not a JPEG.\n');

    const result = await runDemo([folder], running.url);

    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^notes\.jpg\s+failed\s+The upload is not an image/m);
    assert.match(result.stdout, /0 of 1 photos ready/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** Returns a port on 127.0.0.1 that had a listener a moment ago and has none now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('demo explains an unreachable application', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;

  const result = await runDemo([], url);

  assert.equal(result.code, 1);
  assert.ok(result.stderr.includes(`Cannot reach the application at ${url}. Start it with \`npm start\``), result.stderr);
});
