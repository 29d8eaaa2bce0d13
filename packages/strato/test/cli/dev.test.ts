/** `strato dev` run as a user runs it: start, serve, reload on changes, stop on a signal. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { startStrato } from './fixtures/run-strato.ts';

const fixtureDir = path.join(import.meta.dirname, 'fixtures/app');
const tempDirs: string[] = [];

/** Copies the fixture application to a temporary folder that the test may change. */
function copyFixture(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-dev-'));
  cpSync(fixtureDir, dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

test('dev serves and stops on SIGINT', async () => {
  const appDir = copyFixture();
  const strato = startStrato(['dev', appDir, '--port', '0'], appDir);

  const [, baseUrl] = await strato.waitFor(/API: (http:\/\/127\.0\.0\.1:\d+)/);
  await strato.waitFor(/Ready in \d+ ms/);
  assert.match(strato.output(), new RegExp(`GET\\s+${baseUrl}/hello\\s+-> greetings\\.hello`));

  const response = await fetch(`${baseUrl}/hello`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { greeting: 'hello', version: 1 });

  strato.child.kill('SIGINT');
  assert.equal(await strato.exited, 0);
  assert.match(strato.output(), /Stopped\./);
  await assert.rejects(fetch(`${baseUrl}/hello`), 'the port is closed after the stop');
});

test('dev reloads a changed handler', async () => {
  const appDir = copyFixture();
  const strato = startStrato(['dev', appDir, '--port', '0'], appDir);
  const [, baseUrl] = await strato.waitFor(/API: (http:\/\/127\.0\.0\.1:\d+)/);
  await strato.waitFor(/Ready in/);
  assert.equal(((await (await fetch(`${baseUrl}/hello`)).json()) as { version: number }).version, 1);
  assert.equal((await fetch(`${baseUrl}/bye`)).status, 200);

  const before = strato.output().length;
  // A log the application writes into its own folder is not source code and reloads nothing.
  writeFileSync(path.join(appDir, 'debug.log'), 'a line of log\n');
  writeFileSync(path.join(appDir, 'src/hello.ts'), "export const handler = async () => ({ greeting: 'hello', version: 2 });\n");
  // Only the function whose bundle includes the file reloads; greetings.bye keeps its warm environment.
  await strato.waitFor(/Reloaded greetings\.hello after src\/hello\.ts changed/, before);

  assert.equal(((await (await fetch(`${baseUrl}/hello`)).json()) as { version: number }).version, 2);
  assert.doesNotMatch(strato.output().slice(before), /debug\.log/);
  strato.child.kill('SIGTERM');
  assert.equal(await strato.exited, 0);
});

test('dev reloads routes when the config changes', async () => {
  const appDir = copyFixture();
  const strato = startStrato(['dev', appDir, '--port', '0'], appDir);
  const [, baseUrl] = await strato.waitFor(/API: (http:\/\/127\.0\.0\.1:\d+)/);
  await strato.waitFor(/Ready in/);
  assert.equal((await fetch(`${baseUrl}/hi`)).status, 404);

  const before = strato.output().length;
  const config = "export default { name: 'cli-fixture', services: { greetings: { functions: { hello: { handler: 'src/hello.handler' }, bye: { handler: 'src/bye.handler' } }, routes: { 'GET /hi': 'hello' } } } };\n";
  writeFileSync(path.join(appDir, 'strato.config.ts'), config);
  await strato.waitFor(/Reloaded the application after strato\.config\.ts changed/, before);

  assert.equal((await fetch(`${baseUrl}/hi`)).status, 200);
  assert.equal((await fetch(`${baseUrl}/hello`)).status, 404);
  strato.child.kill('SIGINT');
  assert.equal(await strato.exited, 0);
});

test('dev keeps the old config when the new one is invalid', async () => {
  const appDir = copyFixture();
  const strato = startStrato(['dev', appDir, '--port', '0'], appDir);
  const [, baseUrl] = await strato.waitFor(/API: (http:\/\/127\.0\.0\.1:\d+)/);
  await strato.waitFor(/Ready in/);

  const before = strato.output().length;
  writeFileSync(path.join(appDir, 'strato.config.ts'), "export default { name: 'cli-fixture', services: { greetings: { routes: { 'GET /x': 'ghost' } } } };\n");
  await strato.waitFor(/previous config stays in use/, before);

  assert.match(strato.output().slice(before), /function "ghost" is not declared/);
  assert.equal((await fetch(`${baseUrl}/hello`)).status, 200);
  strato.child.kill('SIGINT');
  assert.equal(await strato.exited, 0);
});

test('dev applies a new migration file', async () => {
  const appDir = copyFixture();
  mkdirSync(path.join(appDir, 'migrations'));
  writeFileSync(path.join(appDir, 'migrations/001_notes.sql'), 'CREATE TABLE notes (id text PRIMARY KEY);\n');
  const config = "export default { name: 'cli-fixture', services: { greetings: { functions: { hello: { handler: 'src/hello.handler' } }, routes: { 'GET /hello': 'hello' }, databases: { notes: { migrations: 'migrations' } } } } };\n";
  writeFileSync(path.join(appDir, 'strato.config.ts'), config);
  const strato = startStrato(['dev', appDir, '--port', '0'], appDir);
  await strato.waitFor(/Ready in/);
  await strato.waitFor(/Database "greetings\.notes" is ready in \d+ ms, applied migrations 001_notes\.sql/);

  const before = strato.output().length;
  writeFileSync(path.join(appDir, 'migrations/002_tags.sql'), 'ALTER TABLE notes ADD COLUMN tags text;\n');
  await strato.waitFor(/Applying new migrations after migrations\/002_tags\.sql changed/, before);
  await strato.waitFor(/Database "greetings\.notes": applied migrations 002_tags\.sql/, before);

  // A broken migration is rolled back and reported, and dev keeps running.
  const beforeBroken = strato.output().length;
  writeFileSync(path.join(appDir, 'migrations/003_broken.sql'), 'ALTER TABLE missing_table ADD COLUMN x text;\n');
  await strato.waitFor(/003_broken\.sql[^\n]*\n?[^\n]*keeps serving with the migrations before it/, beforeBroken);
  strato.child.kill('SIGINT');
  assert.equal(await strato.exited, 0);
});

test('dev names the port and --port when it is taken', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const { port } = blocker.address() as { port: number };

  try {
    const strato = startStrato(['dev', fixtureDir, '--port', String(port)], fixtureDir);
    const code = await strato.exited;

    assert.equal(code, 1);
    assert.match(strato.output(), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(strato.output(), /--port/);
  } finally {
    blocker.close();
  }
});
