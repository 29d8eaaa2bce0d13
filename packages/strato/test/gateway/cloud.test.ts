/**
 * The local cloud end to end: real HTTP requests through the gateway to
 * functions in the real runtime, which reach a table and a bucket through
 * `strato/client`, with a bucket notification delivered asynchronously.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';
import { send } from './fixtures/send.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/notes-app');
// The state folder lies inside the application folder, so that packages left out of bundles resolve from its node_modules.
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));
const logLines: string[] = [];
let cloud: LocalCloud;

before(async () => {
  cloud = await LocalCloud.start({ app: await loadApp(appDir), port: 0, stateDir, logSink: (line) => logLines.push(line) });
});
after(async () => {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Polls until `check` returns a value, for effects that arrive asynchronously. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

test('start prints the API URL and state folder', () => {
  assert.match(cloud.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(logLines.some((line) => line.includes(cloud.url) && line.includes(stateDir)), logLines.join('\n'));
});

test('route reaches a function in the runtime', async () => {
  const response = await send(cloud.url, { path: '/hello' });

  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.deepEqual(response.json(), { message: 'hello' });
});

test('handler receives the 2.0 event', async () => {
  const response = await send(cloud.url, { method: 'DELETE', path: '/echo/a/b%20c?tag=x&tag=y', headers: { cookie: 'session=1; theme=dark' } });
  const event = response.json() as Record<string, any>;

  assert.equal(event.version, '2.0');
  assert.equal(event.routeKey, 'ANY /echo/{proxy+}');
  assert.deepEqual(event.pathParameters, { proxy: 'a/b c' });
  assert.deepEqual(event.queryStringParameters, { tag: 'x,y' });
  assert.deepEqual(event.cookies, ['session=1', 'theme=dark']);
  assert.equal(event.requestContext.http.method, 'DELETE');
});

test('table round trip through strato/client', async () => {
  const saved = await send(cloud.url, { method: 'PUT', path: '/notes/n1', headers: { 'content-type': 'application/json' }, body: '{"text":"buy milk"}' });
  const read = await send(cloud.url, { path: '/notes/n1' });
  const missing = await send(cloud.url, { path: '/notes/none' });

  assert.equal(saved.status, 201);
  assert.deepEqual(read.json(), { id: 'n1', text: 'buy milk' });
  assert.equal(missing.status, 404);
});

test('presigned upload triggers the notification', async () => {
  const { url } = (await send(cloud.url, { method: 'POST', path: '/attachments' })).json() as { url: string };
  assert.ok(url.startsWith(`${cloud.url}/_strato/s3/`), url);

  const target = new URL(url);
  const upload = await send(cloud.url, { method: 'PUT', path: target.pathname + target.search, headers: { 'content-type': 'text/plain' }, body: 'quarterly numbers' });
  assert.equal(upload.status, 200, upload.text);

  const note = await eventually(async () => {
    const response = await send(cloud.url, { path: '/notes/upload:files:report.txt' });
    return response.status === 200 ? response.json() : undefined;
  }, 'the on-upload function to record the upload');
  assert.deepEqual(note, { id: 'upload:files:report.txt', text: '17 bytes' });
});

test('tampered presigned URL is rejected', async () => {
  const { url } = (await send(cloud.url, { method: 'POST', path: '/attachments' })).json() as { url: string };
  const target = new URL(url);
  target.searchParams.set('X-Amz-Expires', '604800');

  const upload = await send(cloud.url, { method: 'PUT', path: target.pathname + target.search, headers: { 'content-type': 'text/plain' }, body: 'x' });

  assert.equal(upload.status, 403);
  assert.match(upload.text, /SignatureDoesNotMatch/);
});

test('cloud keeps serving after failures', async () => {
  const thrown = await send(cloud.url, { path: '/fail' });
  const malformed = await send(cloud.url, { method: 'PUT', path: '/notes/n2', headers: { 'content-type': 'application/json' }, body: '{"text": ' });
  const unknown = await send(cloud.url, { method: 'PATCH', path: '/nowhere' });
  const hello = await send(cloud.url, { path: '/hello' });

  assert.equal(thrown.status, 500);
  assert.deepEqual(thrown.json(), { message: 'Internal Server Error' });
  assert.equal(malformed.status, 500);
  assert.equal(unknown.status, 404);
  assert.equal(hello.status, 200);
});

test('unmatched GET falls back to the site', async () => {
  const page = await send(cloud.url, { path: '/notes-page/42' });
  const config = await send(cloud.url, { path: '/strato-config.json' });
  const unmatchedPost = await send(cloud.url, { method: 'POST', path: '/notes-page/42' });

  // The site is a single-page application, so a path without a file gets index.html.
  assert.equal(page.status, 200);
  assert.match(page.text, /<div id="root">notes<\/div>/);
  assert.deepEqual(config.json(), { apiUrl: '', region: 'us-east-1' });
  assert.equal(unmatchedPost.status, 404);
  assert.deepEqual(unmatchedPost.json(), { message: 'Not Found' });
});

test('function log lines carry the function id', () => {
  assert.ok(logLines.some((line) => line.startsWith('[notes.hello] START RequestId:')), logLines.slice(0, 20).join('\n'));
});
