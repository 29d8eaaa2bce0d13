/**
 * What the client receives for each kind of handler result: the inferred and
 * full response forms of payload format 2.0, cookies, binary bodies, and the
 * gateway's own error responses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { fixtureApp, startTestGateway, type TestGateway } from './fixtures/start-gateway.ts';
import { send } from './fixtures/send.ts';

const samplesDir = '/work/shared/samples/events';

let api: TestGateway;
before(async () => {
  api = await startTestGateway(fixtureApp({
    'POST /respond': 'respond',
    'POST /mirror': 'mirror',
    'GET /fail': 'fail',
    'GET /slow': 'slow',
    'GET /throttled': 'echo',
  }), { integrationTimeoutMs: 200 });
  api.invoker.throttled.add('api.echo');
});
after(() => api.gateway.close());

function returning(value: unknown) {
  return send(api.url, { method: 'POST', path: '/respond', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ returns: value }) });
}

interface ResponseCase {
  readonly returns: unknown;
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body?: string;
  readonly bodyBytesHex?: string;
  readonly note?: string;
}

const { cases } = JSON.parse(readFileSync(`${samplesDir}/apigw-http-v2-responses.json`, 'utf8')) as { cases: ResponseCase[] };

for (const [index, sample] of cases.entries()) {
  test(`response case ${index + 1} of apigw-http-v2-responses.json`, async () => {
    const response = await returning(sample.returns);

    assert.equal(response.status, sample.status, sample.note);
    for (const [name, value] of Object.entries(sample.headers)) {
      assert.deepEqual(response.headers[name], value, `header ${name}`);
    }
    // The samples write JSON numbers as AWS's Python tooling does (`41.0`), so JSON bodies compare as values.
    const inferred = typeof sample.returns === 'object' && !('statusCode' in (sample.returns as object));
    if (sample.body !== undefined && inferred) assert.deepEqual(response.json(), JSON.parse(sample.body));
    if (sample.body !== undefined && !inferred) assert.equal(response.text, sample.body);
    if (sample.bodyBytesHex !== undefined) assert.equal(response.body.toString('hex'), sample.bodyBytesHex);
    assert.ok(response.headers['apigw-requestid'], 'every response carries apigw-requestid');
  });
}

test('returned number is sent as JSON', async () => {
  const response = await returning(42);

  assert.equal(response.status, 200);
  assert.equal(response.text, '42');
});

test('full form without body sends an empty body', async () => {
  const response = await returning({ statusCode: 204 });

  assert.equal(response.status, 204);
  assert.equal(response.text, '');
});

test('malformed responses return 500', async () => {
  const malformed = [
    { statusCode: 'two hundred' },
    { statusCode: 200, body: { not: 'a string' } },
    { statusCode: 200, headers: { 'x-list': ['a', 'b'] } },
    { statusCode: 200, cookies: 'a=1' },
    { statusCode: 200, headers: { 'x-broken': 'line\nbreak' } },
  ];
  for (const value of malformed) {
    const response = await returning(value);

    // Body from apigw-error-responses.json, http_api.unhandled_function_error_or_malformed_response.
    assert.equal(response.status, 500, JSON.stringify(value));
    assert.deepEqual(response.json(), { message: 'Internal Server Error' });
  }
});

test('handler error returns 500', async () => {
  const response = await send(api.url, { path: '/fail' });

  assert.equal(response.status, 500);
  assert.deepEqual(response.json(), { message: 'Internal Server Error' });
});

test('integration timeout returns 503', async () => {
  const response = await send(api.url, { path: '/slow' });

  // Body from apigw-error-responses.json, http_api.integration_timeout_30s (the test shortens the 30 s limit).
  assert.equal(response.status, 503);
  assert.deepEqual(response.json(), { message: 'Service Unavailable' });
});

test('throttled function returns 429', async () => {
  const response = await send(api.url, { path: '/throttled' });

  assert.equal(response.status, 429);
  assert.deepEqual(response.json(), { message: 'Too Many Requests' });
});

test('binary body round trip', async () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const response = await send(api.url, { method: 'POST', path: '/mirror', headers: { 'content-type': 'application/octet-stream' }, body: bytes });

  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/octet-stream');
  assert.deepEqual(response.body, bytes);
});

test('cookies become separate set-cookie lines', async () => {
  const response = await returning({ statusCode: 200, cookies: ['a=1; Path=/', 'b=2; HttpOnly'], body: 'ok' });

  assert.deepEqual(response.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
});

test('set-cookie header and cookies combine', async () => {
  const response = await returning({ statusCode: 200, headers: { 'Set-Cookie': 'a=1' }, cookies: ['b=2'], body: 'ok' });

  assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
});
