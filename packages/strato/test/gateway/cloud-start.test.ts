/** Starting the local cloud: a taken port fails with a clear error and leaves nothing open. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { LocalCloud, PortInUseError } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/notes-app');

test('taken port rejects with PortInUseError', async () => {
  mkdirSync(path.join(appDir, '.strato'), { recursive: true });
  const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const { port } = blocker.address() as { port: number };

  try {
    const app = await loadApp(appDir);
    const error = await LocalCloud.start({ app, port, stateDir, logLevel: 'quiet' }).then(() => undefined, (caught: unknown) => caught);

    assert.ok(error instanceof PortInUseError, String(error));
    assert.equal(error.port, port);
    assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));

    // The failed start closed its databases and workers, so a second cloud opens the same state.
    const cloud = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'quiet' });
    const response = await fetch(`${cloud.url}/hello`);
    assert.equal(response.status, 200);
    await cloud.stop();
  } finally {
    blocker.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
