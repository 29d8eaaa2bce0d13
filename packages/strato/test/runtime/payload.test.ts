import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';

import { MAX_REQUEST_BYTES, ServiceError } from '../../src/runtime/index.ts';
import { fixtureFunction, payloadOf, startRuntime } from './helpers.ts';

const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../../../../shared/samples/events');
const harness = startRuntime();
after(() => harness.close());

function sample(name: string) {
  return JSON.parse(readFileSync(path.join(SAMPLES_DIR, name), 'utf8'));
}

/** Builds an event whose JSON form takes exactly this many bytes. */
function eventOfBytes(bytes: number): { data: string } {
  const overhead = JSON.stringify({ data: '' }).length;
  return { data: 'x'.repeat(bytes - overhead) };
}

test('request at the limit runs', async () => {
  const fn = fixtureFunction('payload', { handler: 'payload.handler' });
  const result = await harness.runtime.invoke(fn, eventOfBytes(MAX_REQUEST_BYTES));

  assert.deepEqual(payloadOf(result), { bytes: MAX_REQUEST_BYTES });
});

test('oversized request is rejected', async () => {
  const expected = sample('invoke-error-request-too-large.json');
  const fn = fixtureFunction('payload-rejected', { handler: 'payload.handler' });

  await assert.rejects(harness.runtime.invoke(fn, eventOfBytes(MAX_REQUEST_BYTES + 1)), (error: ServiceError) => {
    // RULES.md 9.4.
    assert.ok(error instanceof ServiceError);
    assert.equal(error.code, expected.error.Code);
    assert.equal(error.message, expected.error.Message);
    assert.equal(error.statusCode, expected.httpStatus);
    return true;
  });
  assert.deepEqual(harness.logsOf(fn), []);
});

test('multi-byte characters count as UTF-8 bytes', async () => {
  const fn = fixtureFunction('payload-utf8', { handler: 'payload.handler' });
  const event = { data: 'é'.repeat(MAX_REQUEST_BYTES / 2) };

  await assert.rejects(harness.runtime.invoke(fn, event), { code: 'RequestEntityTooLargeException' });
});

test('response over the limit is a function error', async () => {
  const expected = sample('invoke-error-response-too-large.json');
  const fn = fixtureFunction('big-response', { handler: 'payload.bigResponse' });
  const result = await harness.runtime.invoke(fn, {});

  // RULES.md 9.5: the message quotes 6291556 bytes.
  assert.deepEqual(!result.ok && result.error, expected.payload);
});

test('event that is not JSON is rejected', async () => {
  const fn = fixtureFunction('payload-cyclic', { handler: 'payload.handler' });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;

  await assert.rejects(harness.runtime.invoke(fn, cyclic), { code: 'InvalidRequestContentException', statusCode: 400 });
});
