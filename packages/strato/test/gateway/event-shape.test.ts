/**
 * The payload format 2.0 event, field by field against the reference samples
 * of API Gateway HTTP API events. Values that depend on the moment, the
 * request id, the host or the client address are checked for their form.
 * The same tests run with handlers called in this process and with the real
 * function runtime, which passes the event to a worker as JSON.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Gateway } from '../../src/local/gateway/index.ts';
import { FunctionRuntime } from '../../src/runtime/index.ts';
import { fixtureApp, startTestGateway } from './fixtures/start-gateway.ts';
import { send } from './fixtures/send.ts';

const samplesDir = '/work/shared/samples/events';
const loadSample = (name: string) => JSON.parse(readFileSync(path.join(samplesDir, name), 'utf8')) as Record<string, any>;

const routes = {
  'GET /stations/{stationId}/readings': 'echo',
  'PUT /stations/{stationId}/snapshot': 'echo',
};

/** A gateway under test: its base URL and port, and how to stop it. */
interface Api {
  url: string;
  gateway: Gateway;
  close(): Promise<void>;
}

const invokers: Record<string, () => Promise<Api>> = {
  'in-process handlers': async () => {
    const { gateway, url } = await startTestGateway(fixtureApp(routes));
    return { gateway, url, close: () => gateway.close() };
  },
  'function runtime': async () => {
    // The fixture handlers import no packages, so their bundles may live outside the application folder.
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-event-shape-'));
    const runtime = new FunctionRuntime({ stateDir });
    const gateway = await Gateway.start({ app: fixtureApp(routes), invoker: runtime, port: 0 });
    return {
      gateway,
      url: gateway.url,
      close: async () => {
        await gateway.close();
        await runtime.close();
        rmSync(stateDir, { recursive: true, force: true });
      },
    };
  },
};

/** Headers AWS adds or that name the host, compared by form rather than value. */
const HOST_DEPENDENT_HEADERS = new Set(['host', 'x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto']);

function assertSameKeys(actual: object, expected: object, where: string) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `keys of ${where}`);
}

function assertRequestContextForm(context: Record<string, any>, sampleContext: Record<string, any>) {
  assertSameKeys(context, sampleContext, 'requestContext');
  assertSameKeys(context.http, sampleContext.http, 'requestContext.http');
  assert.equal(context.stage, '$default');
  assert.equal(context.routeKey, sampleContext.routeKey);
  assert.match(context.requestId, /^[A-Za-z0-9+/]{15}=$/);
  assert.match(context.accountId, /^\d{12}$/);
  assert.equal(context.domainPrefix, context.domainName.split('.')[0]);
  assert.equal(context.http.sourceIp, '127.0.0.1', 'sourceIp is a bare address, without /32 (RULES.md section 1, rule 7)');
  assert.equal(context.http.protocol, 'HTTP/1.1');

  // `time` is `dd/Mon/yyyy:HH:mm:ss +0000` with a space, the same instant as `timeEpoch` without milliseconds.
  assert.match(context.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  assert.equal(typeof context.timeEpoch, 'number');
  const fromText = Date.parse(context.time.replace(/^(\d{2})\/(\w{3})\/(\d{4}):/, '$2 $1 $3 ').replace(' +0000', ' GMT'));
  assert.equal(fromText, Math.floor(context.timeEpoch / 1000) * 1000);
}

for (const [name, startApi] of Object.entries(invokers)) {
  describe(name, () => {
    let api: Api;
    before(async () => { api = await startApi(); });
    after(() => api.close());

    test('GET event matches apigw-http-v2.json', async () => {
      const sample = loadSample('apigw-http-v2.json');
      const response = await send(api.url, {
        path: `${sample.rawPath}?${sample.rawQueryString}`,
        headers: {
          accept: sample.headers.accept,
          'accept-encoding': sample.headers['accept-encoding'],
          'content-length': '0',
          'user-agent': sample.headers['user-agent'],
          'x-station-tag': ['coastal', 'alpine'],
          cookie: sample.cookies.join('; '),
        },
      });
      assert.equal(response.status, 200);
      const event = response.json() as Record<string, any>;

      assertSameKeys(event, sample, 'the event');
      for (const field of ['version', 'routeKey', 'rawPath', 'rawQueryString', 'cookies', 'queryStringParameters', 'pathParameters', 'isBase64Encoded']) {
        assert.deepEqual(event[field], sample[field], field);
      }

      assertSameKeys(event.headers, sample.headers, 'headers');
      for (const [name, value] of Object.entries(sample.headers)) {
        if (!HOST_DEPENDENT_HEADERS.has(name)) assert.equal(event.headers[name], value, `header ${name}`);
      }
      assert.match(event.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      assert.equal(event.headers['x-forwarded-for'], '127.0.0.1');
      assert.equal(event.headers['x-forwarded-port'], String(api.gateway.port));

      assertRequestContextForm(event.requestContext, sample.requestContext);
      assert.equal(event.requestContext.http.method, 'GET');
      assert.equal(event.requestContext.http.path, sample.requestContext.http.path);
      assert.equal(event.requestContext.http.userAgent, sample.requestContext.http.userAgent);
    });

    test('binary PUT event matches apigw-http-v2-binary.json', async () => {
      const sample = loadSample('apigw-http-v2-binary.json');
      const jpeg = Buffer.from(sample.body, 'base64');
      const response = await send(api.url, {
        method: 'PUT',
        path: sample.rawPath,
        headers: {
          accept: sample.headers.accept,
          'accept-encoding': sample.headers['accept-encoding'],
          'content-type': 'image/jpeg',
          'user-agent': sample.headers['user-agent'],
        },
        body: jpeg,
      });
      const event = response.json() as Record<string, any>;

      assertSameKeys(event, sample, 'the event');
      assert.equal(event.isBase64Encoded, true, 'binary bodies arrive base64-encoded (RULES.md section 1, rule 8)');
      assert.equal(event.body, sample.body);
      assert.equal(event.rawQueryString, '');
      assert.deepEqual(event.pathParameters, sample.pathParameters);
      assert.equal(event.headers['content-length'], sample.headers['content-length']);
      assertSameKeys(event.headers, sample.headers, 'headers');
      assertRequestContextForm(event.requestContext, sample.requestContext);
    });

    test('JSON body arrives as text', async () => {
      const body = '{"reading": 12.5, "unit": "C"}';
      const response = await send(api.url, {
        method: 'PUT',
        path: '/stations/ws-1/snapshot',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const event = response.json() as Record<string, any>;

      // A JSON body is delivered as JSON text, never parsed (RULES.md section 1, rule 9).
      assert.equal(event.body, body);
      assert.equal(event.isBase64Encoded, false);
    });

    test('malformed JSON body passes through as text', async () => {
      const response = await send(api.url, {
        method: 'PUT',
        path: '/stations/ws-1/snapshot',
        headers: { 'content-type': 'application/json' },
        body: '{"reading": ',
      });
      assert.equal(response.status, 200);
      assert.equal((response.json() as { body: string }).body, '{"reading": ');
    });

    test('request without body or query omits them', async () => {
      const event = (await send(api.url, { path: '/stations/ws-9/readings' })).json() as Record<string, any>;

      assert.equal('body' in event, false);
      assert.equal('queryStringParameters' in event, false);
      assert.equal('cookies' in event, false);
      assert.equal(event.rawQueryString, '');
      assert.equal(event.isBase64Encoded, false);
    });

    test('rawPath and path parameters are decoded', async () => {
      // HTTP APIs deliver rawPath percent-decoded (observed: https://github.com/honojs/hono/issues/2156).
      const event = (await send(api.url, { path: '/stations/S%C3%A3o%20Paulo/readings' })).json() as Record<string, any>;

      assert.equal(event.rawPath, '/stations/São Paulo/readings');
      assert.deepEqual(event.pathParameters, { stationId: 'São Paulo' });
      assert.equal(event.requestContext.http.path, '/stations/São Paulo/readings');
    });

    test('repeated headers join without a space', async () => {
      const event = (await send(api.url, {
        path: '/stations/a/readings',
        headers: { 'X-Mixed-Case': ['One', 'Two'], 'user-agent': 'UA/1' },
      })).json() as Record<string, any>;

      // Header names are lower case, values keep their case (RULES.md section 1, rules 1 and 2).
      assert.equal(event.headers['x-mixed-case'], 'One,Two');
      assert.equal(event.requestContext.http.userAgent, 'UA/1');
    });
  });
}
