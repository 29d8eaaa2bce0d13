/** The `strato` command line: help, usage errors and dispatch. */
import assert from 'node:assert/strict';
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
