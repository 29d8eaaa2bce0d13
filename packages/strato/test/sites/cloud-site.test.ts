/**
 * A site in the local cloud: its build output is served at the gateway's
 * origin for the paths no route takes, with the settings the page loads.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { buildSite } from '../../src/local/sites/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/site-app');
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));
let cloud: LocalCloud;

before(async () => {
  const app = await loadApp(appDir);
  for (const site of app.sites) await buildSite(site);
  cloud = await LocalCloud.start({ app, port: 0, stateDir, logSink: () => {} });
});

after(async () => {
  await cloud?.stop();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(path.join(appDir, 'dist'), { recursive: true, force: true });
});

test('root serves the built index', async () => {
  const response = await fetch(`${cloud.url}/`);

  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await response.text(), /<title>site-app<\/title>/);
});

test('route wins over a site file', async () => {
  const response = await fetch(`${cloud.url}/hello`);

  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { from: 'function' });
});

test('client route falls back to index', async () => {
  const response = await fetch(`${cloud.url}/photos/42`);

  assert.equal(response.status, 200);
  assert.match(await response.text(), /<div id="root">/);
});

test('config names the API and user pool', async () => {
  const response = await fetch(`${cloud.url}/strato-config.json`);
  const config = await response.json() as Record<string, string>;
  const pool = cloud.parts.auth!.pool;

  assert.equal(response.status, 200);
  assert.deepEqual(config, {
    apiUrl: '',
    region: 'us-east-1',
    userPoolId: pool.poolId,
    userPoolClientId: pool.clientId,
    cognitoEndpoint: `${cloud.url}/_strato/cognito`,
  });
});
