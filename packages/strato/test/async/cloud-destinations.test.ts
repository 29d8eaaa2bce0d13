/**
 * Destinations through the whole local cloud: the real runtime, the durable
 * asynchronous invoker, the bus and its rules.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { EventBridgeEvent } from 'aws-lambda';

import type { DestinationRecord } from '../../src/local/async/index.ts';
import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/destinations-app');
// The state folder lies inside the application folder, so that packages left out of bundles resolve from its node_modules.
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));

/** Resolves the first log line that contains `marker`, as the local cloud logs it. */
const waiters: { marker: string; resolve: (line: string) => void }[] = [];
const lines: string[] = [];
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

/** Returns the JSON that a handler logged after `marker`. */
function jsonAfter(line: string, marker: string): unknown {
  return JSON.parse(line.slice(line.indexOf(marker) + marker.length));
}

let cloud: LocalCloud;

before(async () => {
  cloud = await LocalCloud.start({ app: await loadApp(appDir), port: 0, stateDir, logSink: collect });
});
after(async () => {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

test('failed job sends its record to a function', async () => {
  const { requestId } = await cloud.parts.asyncInvoker.enqueue('jobs.rollup', { day: '2026-07-01', fail: true });

  const record = jsonAfter(await logged('ALARM '), 'ALARM ') as DestinationRecord;

  assert.equal(record.requestContext.requestId, requestId);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.match(record.requestContext.functionArn, /:function:dest-jobs-rollup:\$LATEST$/);
  assert.deepEqual(record.requestPayload, { day: '2026-07-01', fail: true });
  assert.equal((record.responsePayload as { errorMessage: string }).errorMessage, 'no readings stored for 2026-07-01');
});

test('successful job sends its record through the bus', async () => {
  const { requestId } = await cloud.parts.asyncInvoker.enqueue('jobs.rollup', { day: '2026-07-02' });

  const event = jsonAfter(await logged('AUDIT '), 'AUDIT ') as EventBridgeEvent<string, DestinationRecord>;

  // To EventBridge the record is the detail of an event from source "lambda" (Lambda Developer Guide, Capturing records of asynchronous invocations).
  assert.equal(event.source, 'lambda');
  assert.match(event['detail-type'], /^Lambda Function Invocation Result . Success$/);
  assert.equal(event.detail.requestContext.requestId, requestId);
  assert.equal(event.detail.requestContext.condition, 'Success');
  assert.deepEqual(event.detail.responsePayload, { day: '2026-07-02', samples: 1440 });
});

test('failed job sends its record to a queue', async () => {
  const { requestId } = await cloud.parts.asyncInvoker.enqueue('jobs.export', { day: '2026-07-03', fail: true });

  // Long polling waits for the record, sent once the job's only attempt fails.
  const queueName = cloud.app.queues.find((queue) => queue.name === 'failures')!.physicalName;
  const [message] = await cloud.parts.queues.receiveMessage(queueName, { waitTimeSeconds: 20 });
  const record = JSON.parse(message!.body) as DestinationRecord;

  // To SQS the record is the message body (Lambda Developer Guide, Capturing records of asynchronous invocations).
  assert.equal(record.requestContext.requestId, requestId);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.deepEqual(record.requestPayload, { day: '2026-07-03', fail: true });
});
