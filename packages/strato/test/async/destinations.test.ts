import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { AsyncInvoker, type DestinationRecord, type DestinationSink, type ExternalDestination } from '../../src/local/async/index.ts';
import type { FunctionModel } from '../../src/model/index.ts';
import { InProcessInvoker, OutcomeLog, functionModel, tempStateDir, type TestHandler } from './helpers.ts';

const SAMPLES = path.resolve(import.meta.dirname, '../../../../../shared/samples/events');

function sample(name: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(path.join(SAMPLES, name), 'utf8')) as Record<string, unknown>;
  delete parsed._comment;
  return parsed;
}

/** Returns every path of keys in a JSON value, stopping at the payloads, whose content is the application's. */
function keyPaths(value: unknown, prefix = ''): string[] {
  const isPayload = prefix === 'requestPayload' || prefix === 'responsePayload';
  if (isPayload || value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.keys(value).sort().flatMap((key) => keyPaths((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
}

function setUp(
  t: { after(fn: () => Promise<void> | void): void },
  functions: readonly FunctionModel[],
  handlers: Readonly<Record<string, TestHandler>>,
  sink?: DestinationSink,
) {
  const invoker = new InProcessInvoker(handlers);
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({
    stateDir: tempStateDir(t),
    invoker,
    getFunction: (id) => functions.find((fn) => fn.id === id),
    retryDelaysMs: [5, 5],
    region: 'us-east-2',
    accountId: '123456789012',
    destinations: sink,
    onOutcome: log.record,
  });
  t.after(() => asyncInvoker.close());
  return { asyncInvoker, invoker, log };
}

test('on-success destination gets the record', async (t) => {
  const rollup = functionModel('rollup', { onSuccess: { kind: 'function', functionId: 'jobs.audit' } });
  const audit = functionModel('audit');
  const { asyncInvoker, invoker, log } = setUp(t, [rollup, audit], {
    'jobs.rollup': (event) => ({ day: (event as { day: string }).day, samples: 1440 }),
    'jobs.audit': () => 'recorded',
  });

  const { requestId } = await asyncInvoker.enqueue('jobs.rollup', { day: '2026-07-01' });
  await log.waitFor((o) => o.type === 'succeeded' && o.functionId === 'jobs.audit');

  const record = invoker.calls.find((c) => c.functionId === 'jobs.audit')!.event as DestinationRecord;
  // Record fields as Lambda sends them to a destination (Lambda Developer Guide, Asynchronous invocation).
  assert.deepEqual(keyPaths(record), keyPaths(sample('async-destination-on-success.json')));
  assert.equal(record.version, '1.0');
  assert.match(record.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.equal(record.requestContext.requestId, requestId);
  assert.equal(record.requestContext.functionArn, 'arn:aws:lambda:us-east-2:123456789012:function:demo-jobs-rollup:$LATEST');
  assert.equal(record.requestContext.condition, 'Success');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.deepEqual(record.requestPayload, { day: '2026-07-01' });
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
  assert.deepEqual(record.responsePayload, { day: '2026-07-01', samples: 1440 });
});

test('on-failure destination gets the record after retries', async (t) => {
  const rollup = functionModel('rollup', { onFailure: { kind: 'function', functionId: 'jobs.alarm' } });
  const alarm = functionModel('alarm');
  const { asyncInvoker, invoker, log } = setUp(t, [rollup, alarm], {
    'jobs.rollup': () => { throw new Error('no readings stored'); },
    'jobs.alarm': () => 'paged',
  });

  const { requestId } = await asyncInvoker.enqueue('jobs.rollup', { stationId: 'ws-0977' });
  await log.waitFor((o) => o.type === 'succeeded' && o.functionId === 'jobs.alarm');

  const record = invoker.calls.find((c) => c.functionId === 'jobs.alarm')!.event as DestinationRecord;
  assert.deepEqual(keyPaths(record), keyPaths(sample('async-destination-on-failure.json')));
  // Three attempts with one request id, then RetriesExhausted (Lambda Developer Guide, Asynchronous invocation).
  assert.equal(record.requestContext.requestId, requestId);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  assert.deepEqual(record.requestPayload, { stationId: 'ws-0977' });
  const error = record.responsePayload as { errorType: string; errorMessage: string; trace: string[] };
  assert.equal(error.errorType, 'Error');
  assert.equal(error.errorMessage, 'no readings stored');
  assert.ok(Array.isArray(error.trace));
  assert.equal(asyncInvoker.listFailed()[0]!.requestId, requestId);
});

test('queue and bus destinations go to the sink', async (t) => {
  const sent: { destination: ExternalDestination; record: DestinationRecord }[] = [];
  const sink: DestinationSink = { send: async (destination, record) => { sent.push({ destination, record }); } };
  const ok = functionModel('ok', { onSuccess: { kind: 'bus' } });
  const bad = functionModel('bad', { maxRetryAttempts: 0, onFailure: { kind: 'queue', queueId: 'jobs.dead-letters' } });
  const { asyncInvoker, log } = setUp(t, [ok, bad], {
    'jobs.ok': () => 1,
    'jobs.bad': () => { throw new Error('bad'); },
  }, sink);

  await asyncInvoker.enqueue('jobs.ok', {});
  await asyncInvoker.enqueue('jobs.bad', {});
  await log.waitFor((o) => o.type === 'succeeded');
  await log.waitFor((o) => o.type === 'failed');

  const byKind = Object.fromEntries(sent.map((s) => [s.destination.kind, s.record.requestContext.condition]));
  assert.deepEqual(byKind, { bus: 'Success', queue: 'RetriesExhausted' });
});
