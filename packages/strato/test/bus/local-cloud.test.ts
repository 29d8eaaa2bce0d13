/**
 * Events end to end in the local cloud: a function publishes on the bus
 * through `strato/client`, a rule sends the event to another service's
 * function by asynchronous invocation, and that function's table write
 * reaches a stream consumer. Real HTTP, real runtime, real stores.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const appDir = path.join(import.meta.dirname, 'fixtures/events-app');
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

interface Feed {
  items: { id: string; size: number; eventId: string; time: string }[];
  changes: { eventName: string; sequence: string; keys: unknown; newImage?: Record<string, unknown> }[];
}

async function readFeed(): Promise<Feed> {
  const response = await fetch(`${cloud.url}/feed`);
  assert.equal(response.status, 200);
  return await response.json() as Feed;
}

/** Polls the feed until `check` accepts it, for effects that arrive asynchronously. */
async function feedWhen(check: (feed: Feed) => boolean, what: string): Promise<Feed> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const feed = await readFeed();
    if (check(feed)) return feed;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

async function publish(route: string, id: string, size: number): Promise<Response> {
  return fetch(`${cloud.url}/${route}/${id}/ready`, { method: 'POST', body: JSON.stringify({ size }), headers: { 'content-type': 'application/json' } });
}

test('a published event reaches the rule target and its table stream', async () => {
  const skipped = await publish('photos', 'empty', 0);
  const response = await publish('photos', 'p1', 5);
  assert.equal(skipped.status, 200);
  assert.equal(response.status, 200);
  const { eventId } = await response.json() as { eventId: string };

  const feed = await feedWhen((current) => current.items.length > 0 && current.changes.length > 0, 'the feed item and its stream record');

  // The rule's pattern asks for a size above 0, so only p1 arrives.
  assert.deepEqual(feed.items.map((item) => item.id), ['p1']);
  const [item] = feed.items;
  assert.equal(item!.eventId, eventId);
  assert.equal(item!.size, 5);
  assert.match(item!.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  // The item's insert reached the stream consumer with typed images.
  assert.equal(feed.changes.length, 1);
  const [change] = feed.changes;
  assert.equal(change!.eventName, 'INSERT');
  assert.deepEqual(change!.keys, { feed: { S: 'all' }, id: { S: 'p1' } });
  assert.deepEqual(change!.newImage?.size, { N: '5' });
  assert.equal(cloud.parts.bus.pendingCount(), 0);
});

test('a function without the bus link is denied', async () => {
  const response = await publish('sneak', 'p2', 5);

  assert.equal(response.status, 403);
  const error = await response.json() as { name: string; message: string };
  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /events:PutEvents on resource: arn:aws:events:[a-z0-9-]+:\d{12}:event-bus\/bus /);
});
