/** The `strato` command line: help, usage errors and dispatch. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { runStrato } from './fixtures/run-strato.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/app');

test('help lists the commands', async () => {
  const { code, output } = await runStrato(['--help'], appDir);

  assert.equal(code, 0);
  for (const command of ['dev [dir]', 'invoke FUNCTION', 'synth', 'deploy', 'rollback SERVICE']) {
    assert.ok(output.includes(command), `help mentions ${command}`);
  }
});

test('unknown command is a usage error', async () => {
  const { code, output } = await runStrato(['serve'], appDir);

  assert.equal(code, 2);
  assert.match(output, /unknown command "serve"/);
  assert.match(output, /strato --help/);
});

test('unknown option names the option', async () => {
  const { code, output } = await runStrato(['dev', '--prot', '3000'], appDir);

  assert.equal(code, 2);
  assert.match(output, /--prot/);
});

test('invalid port is a usage error', async () => {
  const { code, output } = await runStrato(['dev', '--port', 'http'], appDir);

  assert.equal(code, 2);
  assert.match(output, /--port "http" is not a port/);
});

test('folder without config is an error', async () => {
  const { code, output } = await runStrato(['dev', import.meta.dirname], appDir);

  assert.equal(code, 1);
  assert.match(output, /no strato\.config\.ts found/);
});

test('invoke runs the named function', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-invoke-'));
  try {
    cpSync(appDir, dir, { recursive: true });
    writeFileSync(path.join(dir, 'event.json'), '{"name": "test"}');

    const { code, output } = await runStrato(['invoke', 'hello', '--event', 'event.json', dir], dir);

    assert.equal(code, 0, output);
    assert.match(output, /"greeting": "hello"/);
    assert.match(output, /\[greetings\.hello\] REPORT RequestId:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invoke without function is a usage error', async () => {
  const { code, output } = await runStrato(['invoke'], appDir);

  assert.equal(code, 2);
  assert.match(output, /name the function to run/);
});
