/**
 * Request size limits of HTTP APIs (payload 10 MB; request line and headers
 * 10240 bytes), and that a bad request harms nothing else.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';

import { fixtureApp, startTestGateway, type TestGateway } from './fixtures/start-gateway.ts';
import { send } from './fixtures/send.ts';

const MAX_BODY = 10 * 1024 * 1024;
let api: TestGateway;

before(async () => {
  api = await startTestGateway(fixtureApp({ 'POST /mirror': 'mirror', 'GET /items': 'echo', 'GET /fail': 'fail' }));
});
after(() => api.gateway.close());

test('body over 10 MB returns 413', async () => {
  const response = await send(api.url, {
    method: 'POST',
    path: '/mirror',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(MAX_BODY + 1),
  });

  assert.equal(response.status, 413);
  assert.equal(response.text, 'HTTP content length exceeded 10485760 bytes.');
});

test('streamed body over 10 MB returns 413', async () => {
  const response = await send(api.url, {
    method: 'POST',
    path: '/mirror',
    headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
    body: Buffer.alloc(MAX_BODY + 1),
  });

  assert.equal(response.status, 413);
});

test('body of exactly 10 MB is accepted', async () => {
  const body = Buffer.alloc(MAX_BODY, 7);
  const response = await send(api.url, { method: 'POST', path: '/mirror', headers: { 'content-type': 'application/octet-stream' }, body });

  assert.equal(response.status, 200);
  assert.equal(response.body.length, MAX_BODY);
});

test('headers over 10240 bytes are rejected', async () => {
  const response = await send(api.url, { path: '/items', headers: { 'x-padding': 'x'.repeat(11_000) } });

  // NOTE: Node responds with 431; the status API Gateway sends for this quota is not documented.
  assert.equal(response.status, 431);
});

test('cloud keeps serving after bad requests', async () => {
  await send(api.url, { path: '/fail' });
  await send(api.url, { path: '/items', headers: { 'x-padding': 'x'.repeat(11_000) } });
  await new Promise<void>((resolve) => {
    const socket = connect(api.gateway.port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    socket.resume();
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });

  const response = await send(api.url, { path: '/items?after=bad' });
  assert.equal(response.status, 200);
  assert.deepEqual((response.json() as { queryStringParameters: unknown }).queryStringParameters, { after: 'bad' });
});
