/**
 * Queues and streams end to end in the local cloud: a function sends through
 * `strato/client` in a real execution environment, and the event source
 * mappings deliver to the consumers, which write to a table.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { findFunction, loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/messaging-app');
// The state folder lies inside the application folder, so that packages left out of bundles resolve from its node_modules.
mkdirSync(path.join(appDir, '.strato'), { recursive: true });
const stateDir = mkdtempSync(path.join(appDir, '.strato', 'test-'));
let cloud: LocalCloud;

before(async () => {
  cloud = await LocalCloud.start({ app: await loadApp(appDir), port: 0, stateDir, logLevel: 'quiet' });
});
after(async () => {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Waits for the consumers' table to hold an item; the mappings deliver in the background. */
async function seenItem(id: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const item = cloud.parts.tables.get('messaging-jobs-seen', { id });
    if (item) return item as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`no item ${id} after 10 s`);
}

async function invoke(name: string, event: unknown) {
  const result = await cloud.parts.runtime.invoke(findFunction(cloud.app, name)!, event);
  if (!result.ok) assert.fail(`${name} failed: ${JSON.stringify(result.error)}`);
  return result.payload as { messageId: string; sequenceNumber: string; shardId: string };
}

test('message and record reach their consumers', async () => {
  const sent = await invoke('jobs.send', { id: 'p1' });

  const message = await seenItem(`sqs:${sent.messageId}`);
  assert.equal(message.source, 'aws:sqs');
  assert.equal(message.body, '{"id":"p1"}');
  assert.equal(message.receiveCount, '1');
  const record = await seenItem(`kinesis:${sent.sequenceNumber}`);
  assert.equal(record.source, 'aws:kinesis');
  assert.equal(record.body, '{"id":"p1"}');
  // The mapping deletes the message after the handler returns, so the handler's write can be seen a moment before.
  assert.deepEqual(await settledCounts('messaging-jobs-work'), { visible: 0, inFlight: 0, delayed: 0 });
});

/** Returns the queue's counts once no message is in flight, or the last counts after 10 s. */
async function settledCounts(queue: string) {
  let counts = cloud.parts.queues.counts(queue);
  for (let attempt = 0; attempt < 500 && counts.inFlight > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    counts = cloud.parts.queues.counts(queue);
  }
  return counts;
}

test('mapping stats show progress', async () => {
  const sent = await invoke('jobs.send', { id: 'p2' });
  await seenItem(`kinesis:${sent.sequenceNumber}`);

  // The consumer's write lands before its invocation returns, so wait for the counters too.
  const shardOf = () => cloud.parts.mappings.stats().shards.find((entry) => entry.shardId === sent.shardId)!;
  for (let attempt = 0; attempt < 500 && shardOf().invocations === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
  const stats = cloud.parts.mappings.stats();
  assert.equal(stats.queues[0]!.functionId, 'jobs.worker');
  assert.ok(stats.queues[0]!.invocations >= 1);
  const shard = stats.shards.find((entry) => entry.shardId === sent.shardId)!;
  assert.equal(shard.functionId, 'jobs.counter');
  assert.ok(shard.invocations >= 1);
});

test('unlinked function is denied the queue', async () => {
  const result = await cloud.parts.runtime.invoke(findFunction(cloud.app, 'jobs.sneak')!, { id: 'p3' });

  assert.equal(result.ok, false);
  assert.equal(result.ok ? '' : result.error.errorType, 'AccessDenied');
});
