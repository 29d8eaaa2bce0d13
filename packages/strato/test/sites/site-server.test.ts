import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import type { SiteModel } from '../../src/model/index.ts';
import { buildSite, SiteServer } from '../../src/local/sites/index.ts';

let server: Server;
let base: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-site-'));
const script = 'console.log("hello");\n'.repeat(200);

before(async () => {
  mkdirSync(path.join(dir, 'dist/assets'), { recursive: true });
  writeFileSync(path.join(dir, 'build.sh'), 'printf "<!doctype html><title>photos</title>" > dist/index.html\n');
  writeFileSync(path.join(dir, 'dist/assets/app-Bx81kZq2.js'), script);
  writeFileSync(path.join(dir, 'dist/robots.txt'), 'User-agent: *\n');
  writeFileSync(path.join(os.tmpdir(), 'outside.txt'), 'secret');

  const site: SiteModel = { id: 'web.app', service: 'web', name: 'app', dir: path.join(dir, 'dist'), build: 'sh build.sh', cwd: dir, spa: true };
  await buildSite(site);
  const sites = new SiteServer(site, () => ({ apiUrl: '', region: 'us-east-1', userPoolId: 'us-east-1_abc' }));
  server = createServer(async (req, res) => {
    if (!(await sites.handle(req, res))) {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => server.close());

/** Sends a request without fetch's automatic decompression, so encodings can be checked. */
function get(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(base + urlPath, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

test('build command output is served', async () => {
  const response = await get('/');
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(response.headers['cache-control'], 'no-cache');
  assert.match(response.body.toString(), /<title>photos<\/title>/);
});

test('client routes fall back to index', async () => {
  const response = await get('/photos/42');
  assert.equal(response.status, 200);
  assert.match(response.body.toString(), /<title>photos<\/title>/);

  const missingAsset = await get('/assets/missing-12345678.js');
  assert.equal(missingAsset.status, 404);
});

test('hashed assets are immutable and compressed', async () => {
  const response = await get('/assets/app-Bx81kZq2.js', { 'accept-encoding': 'gzip' });
  assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(response.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(response.body).toString(), script);

  const plain = await get('/assets/app-Bx81kZq2.js');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.body.toString(), script);
});

test('etag revalidation answers 304', async () => {
  const first = await get('/robots.txt');
  const second = await get('/robots.txt', { 'if-none-match': String(first.headers.etag) });
  assert.equal(second.status, 304);
  assert.equal(second.body.length, 0);
});

test('byte ranges answer 206 and 416', async () => {
  const partial = await get('/assets/app-Bx81kZq2.js', { range: 'bytes=0-5' });
  assert.equal(partial.status, 206);
  assert.equal(partial.headers['content-range'], `bytes 0-5/${script.length}`);
  assert.equal(partial.body.toString(), 'consol');

  const suffix = await get('/robots.txt', { range: 'bytes=-3' });
  assert.equal(suffix.body.toString(), ' *\n');
  assert.equal(suffix.headers['content-range'], 'bytes 11-13/14');

  const beyond = await get('/robots.txt', { range: 'bytes=100-' });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers['content-range'], 'bytes */14');
});

test('paths outside the folder are not served', async () => {
  for (const attempt of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2F..%2F..%2Foutside.txt']) {
    const response = await get(attempt);
    assert.notEqual(response.body.toString(), 'secret', attempt);
  }
});

test('site config is served as JSON', async () => {
  const response = await get('/strato-config.json');
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body.toString()), { apiUrl: '', region: 'us-east-1', userPoolId: 'us-east-1_abc' });
});

test('failing build reports its command', async () => {
  const site: SiteModel = { id: 'web.bad', service: 'web', name: 'bad', dir, build: 'echo broken >&2; exit 3', cwd: dir, spa: true };
  await assert.rejects(buildSite(site), /build command of site web\.bad failed with exit code 3: `echo broken >&2; exit 3`[\s\S]*broken/);
});
