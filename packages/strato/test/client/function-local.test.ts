/**
 * The function client in the local cloud: fixture handlers run by the real
 * runtime invoke each other through the resource router and the durable
 * asynchronous invoker, whose destinations then fire.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { DestinationRecord } from '../../src/local/async/index.ts';
import { LocalCloud } from '../../src/local/index.ts';
import { findFunction, loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, '../fixtures/functions-app');
// The state folder lies inside the application folder, so that `strato/client`, left out of bundles, resolves.
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));

const lines: string[] = [];
const waiters: { markers: readonly string[]; resolve: (line: string) => void }[] = [];
const hasAll = (line: string, markers: readonly string[]) => markers.every((marker) => line.includes(marker));

/** Resolves the first log line that contains every marker. */
function logged(...markers: string[]): Promise<string> {
  const seen = lines.find((line) => hasAll(line, markers));
  return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ markers, resolve }));
}

function collect(line: string): void {
  lines.push(line);
  for (const waiter of waiters.filter((w) => hasAll(line, w.markers))) {
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

/** Runs `caller` synchronously with the event of the fixture's `starter` handler and returns its payload. */
async function start(caller: string, target: string, payload: unknown): Promise<{ result?: { statusCode: number; requestId: string }; error?: { name: string; message: string } }> {
  const result = await cloud.parts.runtime.invoke(findFunction(cloud.app, caller)!, { target, payload });
  if (!result.ok) throw new Error(`${caller} failed: ${JSON.stringify(result.error)}`);
  return result.payload as never;
}

test('invokeAsync runs the target with the event', async () => {
  const output = await start('jobs.starter', 'resize', { photoId: 'p1' });

  // Invoke with InvocationType Event returns 202 (Lambda Invoke API reference).
  assert.equal(output.result?.statusCode, 202);
  assert.match(output.result!.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(jsonAfter(await logged('RESIZE {"photoId":"p1"}'), 'RESIZE '), { photoId: 'p1' });
});

test('invokeAsync success reaches the on-success destination', async () => {
  const output = await start('jobs.starter', 'resize', { photoId: 'p2' });

  const record = jsonAfter(await logged('AUDIT ', output.result!.requestId), 'AUDIT ') as DestinationRecord;

  // Destination record fields (Lambda Developer Guide, Capturing records of asynchronous invocations).
  assert.equal(record.requestContext.requestId, output.result?.requestId);
  assert.equal(record.requestContext.condition, 'Success');
  assert.deepEqual(record.requestPayload, { photoId: 'p2' });
  assert.deepEqual(record.responsePayload, { photoId: 'p2', sizes: [64, 256] });
});

test('invokeAsync failure reaches the on-failure destination', async () => {
  const output = await start('jobs.starter', 'publish', { photoId: 'p3' });

  const record = jsonAfter(await logged('ALARM ', output.result!.requestId), 'ALARM ') as DestinationRecord;

  assert.equal(record.requestContext.requestId, output.result?.requestId);
  assert.equal(record.requestContext.condition, 'RetriesExhausted');
  assert.deepEqual(record.requestPayload, { photoId: 'p3' });
  assert.equal((record.responsePayload as { errorMessage: string }).errorMessage, 'feed is closed for p3');
});

test('unlinked target gets AccessDeniedException', async () => {
  const output = await start('jobs.loner', 'resize', { photoId: 'p4' });

  assert.equal(output.result, undefined);
  assert.equal(output.error?.name, 'AccessDeniedException');
  assert.match(output.error!.message, /is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:[^:]+:\d+:function:resize/);
});

test('oversized event gets RequestEntityTooLargeException', async () => {
  const output = await start('jobs.starter', 'resize', { photoId: 'x'.repeat(1_048_576) });

  // Asynchronous invocations take at most 1 MB of payload (Lambda Invoke API reference).
  assert.equal(output.error?.name, 'RequestEntityTooLargeException');
});
