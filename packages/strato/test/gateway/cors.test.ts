/**
 * CORS as an HTTP API applies it: the gateway responds to preflights itself,
 * adds the configured headers to integration responses and replaces any CORS
 * headers the handler set.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { fixtureApp, startTestGateway, type TestGateway } from './fixtures/start-gateway.ts';
import { send } from './fixtures/send.ts';

let api: TestGateway;
let plain: TestGateway;

before(async () => {
  const routes = { 'POST /respond': 'respond', 'GET /items': 'echo' };
  api = await startTestGateway(fixtureApp(routes, {
    cors: {
      allowOrigins: ['https://app.example.com', 'https://*.preview.example.com'],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: ['x-request-cost'],
      allowCredentials: true,
      maxAge: 300,
    },
  }));
  plain = await startTestGateway(fixtureApp(routes));
});
after(async () => {
  await api.gateway.close();
  await plain.gateway.close();
});

test('preflight handled without an OPTIONS route', async () => {
  const response = await send(api.url, {
    method: 'OPTIONS',
    path: '/items',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
  });

  assert.equal(response.status, 204);
  assert.equal(response.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(response.headers['access-control-allow-methods'], 'GET,POST');
  assert.equal(response.headers['access-control-allow-headers'], 'authorization,content-type');
  assert.equal(response.headers['access-control-allow-credentials'], 'true');
  assert.equal(response.headers['access-control-max-age'], '300');
});

test('preflight from wildcard subdomain origin', async () => {
  const response = await send(api.url, {
    method: 'OPTIONS',
    path: '/anything',
    headers: { origin: 'https://pr-12.preview.example.com', 'access-control-request-method': 'POST' },
  });

  assert.equal(response.status, 204);
  assert.equal(response.headers['access-control-allow-origin'], 'https://pr-12.preview.example.com');
});

test('preflight from other origin gets no CORS headers', async () => {
  const response = await send(api.url, {
    method: 'OPTIONS',
    path: '/items',
    headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' },
  });

  assert.equal(response.headers['access-control-allow-origin'], undefined);
  assert.equal(response.headers['access-control-allow-methods'], undefined);
});

test('OPTIONS without request method is no preflight', async () => {
  const response = await send(api.url, { method: 'OPTIONS', path: '/items', headers: { origin: 'https://app.example.com' } });

  assert.equal(response.status, 404);
});

test('response gets configured headers, handler ones dropped', async () => {
  const response = await send(api.url, {
    method: 'POST',
    path: '/respond',
    headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
    body: JSON.stringify({ returns: { statusCode: 200, headers: { 'access-control-allow-origin': '*', 'x-kept': 'yes' }, body: 'ok' } }),
  });

  assert.equal(response.headers['access-control-allow-origin'], 'https://app.example.com');
  assert.equal(response.headers['access-control-expose-headers'], 'x-request-cost');
  assert.equal(response.headers['access-control-allow-credentials'], 'true');
  assert.equal(response.headers['x-kept'], 'yes');
});

test('request without origin gets no CORS headers', async () => {
  const response = await send(api.url, { path: '/items' });

  assert.equal(response.status, 200);
  assert.equal(response.headers['access-control-allow-origin'], undefined);
});

test('without CORS config, handler headers pass through', async () => {
  const response = await send(plain.url, {
    method: 'POST',
    path: '/respond',
    headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
    body: JSON.stringify({ returns: { statusCode: 200, headers: { 'access-control-allow-origin': '*' }, body: 'ok' } }),
  });
  const preflight = await send(plain.url, {
    method: 'OPTIONS',
    path: '/items',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
  });

  assert.equal(response.headers['access-control-allow-origin'], '*');
  assert.equal(preflight.status, 404);
});
