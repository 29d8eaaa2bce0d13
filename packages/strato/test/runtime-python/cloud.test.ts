/**
 * A Python service in the whole local cloud: a route served by a Python
 * handler through the gateway, which invokes another Python function
 * asynchronously through strato_client.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/app');
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));

const lines: string[] = [];
const waiters: { marker: string; resolve: (line: string) => void }[] = [];

/** Resolves the first log line that contains `marker`. */
function logged(marker: string): Promise<string> {
  const seen = lines.find((line) => line.includes(marker));
  return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ marker, resolve }));
}

function collect(line: string): void {
  lines.push(line);
  for (const waiter of waiters.filter((w) => line.includes(w.marker))) {
    waiters.splice(waiters.indexOf(waiter), 1);
    waiter.resolve(line);
  }
}

let cloud: LocalCloud;

before(async () => {
  cloud = await LocalCloud.start({ app: await loadApp(appDir), port: 0, stateDir, logSink: collect });
});

after(async () => {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test('Python route invokes a Python function', async () => {
  const response = await fetch(`${cloud.url}/greetings/ada`);
  const body = await response.json() as { greeting: string; archiveRequestId: string };

  assert.equal(response.status, 200);
  assert.equal(body.greeting, 'hello ada');
  // The archived event runs with the request id that invokeAsync returned.
  assert.match(await logged(`ARCHIVED ada ${body.archiveRequestId}`), /\[greetings\.archive\]/);
});
