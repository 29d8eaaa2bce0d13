import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { LocalCloud, StateDirInUseError } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const fixture = path.join(import.meta.dirname, '../fixtures/lock-app');

/** Loads the fixture with a fresh state folder inside it, where the runtime requires it. */
async function helloApp(t: { after(fn: () => void): void }) {
  const stateDir = mkdtempSync(path.join(fixture, '.strato-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  return { app: await loadApp(fixture), stateDir };
}

test('second cloud on one state folder is rejected', async (t) => {
  const { app, stateDir } = await helloApp(t);
  const first = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' });

  try {
      await assert.rejects(LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' }), (error: unknown) => {
      assert.ok(error instanceof StateDirInUseError);
      assert.equal(error.pid, process.pid);
      assert.match(error.message, /is in use by another local cloud \(process \d+\)\. Stop that one first/);
    return true;
    });

    // The first cloud keeps serving after the rejected start.
    const response = await fetch(`${first.url}/hello`);
    assert.deepEqual(await response.json(), { ok: true });
  } finally {
    await first.stop();
  }
});

test('lock is released on stop', async (t) => {
  const { app, stateDir } = await helloApp(t);
  const first = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' });
  await first.stop();
  assert.equal(existsSync(path.join(stateDir, 'cloud.lock')), false);

  const second = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' });
  await second.stop();
});

test('lock of a dead process is taken over', async (t) => {
  const { app, stateDir } = await helloApp(t);
  // A process that has exited stands for a local cloud killed with SIGKILL.
  const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(path.join(stateDir, 'cloud.lock'), exited.stdout);

  const cloud = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' });
  await cloud.stop();
});
