import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { invokeCommand } from '../../src/cli/commands/invoke.ts';
import { HANDLERS_DIR } from './helpers.ts';

const APP_DIR = path.join(HANDLERS_DIR, 'invoke-app');
const eventsDir = mkdtempSync(path.join(os.tmpdir(), 'strato-invoke-'));
after(() => {
  rmSync(eventsDir, { recursive: true, force: true });
  rmSync(path.join(APP_DIR, '.strato'), { recursive: true, force: true });
});

async function runInvoke(functionName: string, event?: unknown) {
  let eventFile: string | undefined;
  if (event !== undefined) {
    eventFile = path.join(eventsDir, `${functionName}.json`);
    writeFileSync(eventFile, typeof event === 'string' ? event : JSON.stringify(event));
  }
  const lines: string[] = [];
  const exitCode = await invokeCommand({ appDir: APP_DIR, functionName, eventFile, print: (line) => lines.push(line) });
  return { exitCode, output: lines.join('\n') };
}

test('invoke prints logs and the result', async () => {
  const { exitCode, output } = await runInvoke('greet', { name: 'Ada' });

  assert.equal(exitCode, 0);
  assert.match(output, /START RequestId: [0-9a-f-]{36} Version: \$LATEST/);
  assert.match(output, /\tINFO\tgreeting Ada/);
  assert.match(output, /REPORT RequestId: /);
  assert.ok(output.endsWith(JSON.stringify({ greeting: 'Hello, Ada!' }, null, 2)), output);
});

test('invoke without an event sends an empty object', async () => {
  const { exitCode, output } = await runInvoke('greetings.greet');

  assert.equal(exitCode, 0);
  assert.match(output, /"greeting": "Hello, world!"/);
});

test('invoke exits with 1 on a function error', async () => {
  const { exitCode, output } = await runInvoke('fail');

  assert.equal(exitCode, 1);
  assert.match(output, /"errorType": "TypeError"/);
  assert.match(output, /"errorMessage": "no greeting today"/);
});

test('invoke names the functions when one is unknown', async () => {
  await assert.rejects(runInvoke('nope'), /no function "nope" in application "invoke".*greetings\.greet, greetings\.fail/);
});

test('invoke reports an event file that is not JSON', async () => {
  await assert.rejects(runInvoke('greet', '{ not json'), /greet\.json is not valid JSON/);
});
