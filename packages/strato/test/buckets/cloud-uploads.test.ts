/**
 * Presigned uploads and downloads through the whole local cloud: a route
 * returns a URL signed through `strato/client`, a page on another origin
 * uploads to the gateway, and the notified function reads the object.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/uploads-app');
// The state folder lies inside the application folder, so that packages left out of bundles resolve from its node_modules.
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));
const PAGE_ORIGIN = 'http://localhost:5173';

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

async function signedUrl(route: string, key: string): Promise<string> {
  const response = await fetch(`${cloud.url}${route}?key=${encodeURIComponent(key)}`, { method: route === '/uploads' ? 'POST' : 'GET' });
  assert.equal(response.status, 200);
  return ((await response.json()) as { url: string }).url;
}

test('page uploads through a presigned URL', async () => {
  const key = 'in/notes from São Paulo.txt';
  const url = await signedUrl('/uploads', key);
  assert.ok(url.startsWith(`${cloud.url}/_strato/s3/`), url);

  const preflight = await fetch(url, { method: 'OPTIONS', headers: { Origin: PAGE_ORIGIN, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' } });
  const put = await fetch(url, { method: 'PUT', body: Buffer.from('olá'), headers: { Origin: PAGE_ORIGIN, 'Content-Type': 'text/plain' } });
  const line = await logged(`UPLOADED {"key":${JSON.stringify(key)}`);

  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
  assert.equal(put.status, 200);
  assert.equal(put.headers.get('access-control-allow-origin'), PAGE_ORIGIN);
  const uploaded = JSON.parse(line.slice(line.indexOf('UPLOADED ') + 'UPLOADED '.length)) as { eTag: string; text: string; principalId: string };
  assert.equal(uploaded.text, 'olá');
  assert.equal(`"${uploaded.eTag}"`, put.headers.get('etag'));
  // The event names the role session of the function that signed the URL.
  assert.match(uploaded.principalId, /:uploads-media-upload-url$/);
});

test('download URL returns the object', async () => {
  await cloud.parts.buckets.put({ bucket: 'uploads-media-inbox', key: 'out/report.csv', body: 'a,b\n', contentType: 'text/csv' });
  const url = await signedUrl('/downloads', 'out/report.csv');

  const response = await fetch(url);

  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/csv');
  assert.equal(await response.text(), 'a,b\n');
});

test('upload with another content type is rejected', async () => {
  const url = await signedUrl('/uploads', 'in/typed.txt');

  const response = await fetch(url, { method: 'PUT', body: Buffer.from('<p>'), headers: { 'Content-Type': 'text/html' } });

  assert.equal(response.status, 403);
  assert.match(await response.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.throws(() => cloud.parts.buckets.head('uploads-media-inbox', 'in/typed.txt'), { name: 'NoSuchKey' });
});
