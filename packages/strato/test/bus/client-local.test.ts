/**
 * The bus client with the local driver: calls go over a channel installed on
 * `globalThis`, as an execution environment installs it, to the real router
 * and bus.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { bus } from '../../src/client/index.ts';
import { BucketStore } from '../../src/local/buckets/index.ts';
import { createBusHandler } from '../../src/local/bus/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { installChannel } from '../client/channel-fixture.ts';
import { openBus, RecordingTargets, tempStateDir } from './helpers.ts';

// Installed before the first client call, because the driver is chosen once per process.
const channel = installChannel();

const app = resolveApp({
  name: 'demo',
  services: {
    photos: {
      functions: { publisher: { handler: 'src/hello.handler', links: ['bus'] }, quiet: { handler: 'src/hello.handler' } },
    },
    feed: {
      functions: { follow: { handler: 'src/hello.handler' } },
      rules: { ready: { pattern: { source: ['photo-sharing.photos'], 'detail-type': ['PhotoReady'] }, targets: [{ function: 'follow' }] } },
    },
  },
}, new URL('../fixtures/hello', import.meta.url).pathname);

function setUp(t: TestContext) {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  const opened = openBus({ stateDir: state.dir, app, targets });
  const tables = createTableStore({ stateDir: state.dir, tables: [] });
  const buckets = new BucketStore({ stateDir: state.dir, buckets: [] });
  channel.useRouter(createResourceRouter({ app, buckets, tables, handlers: { bus: createBusHandler(opened.bus) } }), app);
  channel.actAs('photos.publisher');

  t.after(async () => {
    await opened.bus.close();
    tables.close();
    buckets.close();
    state.remove();
  });
  return { targets, nextOutcome: opened.nextOutcome };
}

test('publish reaches the rule target', async (t) => {
  const { targets, nextOutcome } = setUp(t);
  const events = bus();

  const eventId = await events.publish({ source: 'photo-sharing.photos', detailType: 'PhotoReady', detail: { id: 'p1', sizes: [320, 1280] } });
  assert.equal((await nextOutcome()).type, 'delivered');

  assert.equal(events.name, 'demo-bus');
  assert.equal(targets.invoked.length, 1);
  assert.equal(targets.invoked[0]!.functionId, 'feed.follow');
  assert.equal(targets.invoked[0]!.event.id, eventId);
  assert.deepEqual(targets.invoked[0]!.event.detail, { id: 'p1', sizes: [320, 1280] });
});

test('publishBatch returns a result per event', async (t) => {
  setUp(t);

  const results = await bus().publishBatch([
    { source: 'photo-sharing.photos', detailType: 'PhotoReady', detail: { id: 'p1' } },
    { source: '', detailType: 'PhotoReady', detail: { id: 'p2' } },
  ]);

  assert.equal(results.length, 2);
  assert.ok('eventId' in results[0]!);
  assert.deepEqual(results[1], { errorCode: 'InvalidArgument', errorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' });
});

test('publish throws the entry error', async (t) => {
  setUp(t);

  await assert.rejects(bus().publish({ source: 'photo-sharing.photos', detailType: '', detail: {} }), {
    name: 'InvalidArgument',
    message: /DetailType is a required argument/,
  });
});

test('publishBatch rejects more than 10 events', async (t) => {
  setUp(t);
  const events = Array.from({ length: 11 }, (_, i) => ({ source: 's', detailType: 'd', detail: { i } }));

  await assert.rejects(bus().publishBatch(events), { name: 'RangeError', message: /1 to 10 events; received 11/ });
});

test('a function without the bus link gets AccessDeniedException', async (t) => {
  setUp(t);
  channel.actAs('photos.quiet');

  await assert.rejects(bus().publish({ source: 'photo-sharing.photos', detailType: 'PhotoReady', detail: {} }), {
    name: 'AccessDeniedException',
    message: /is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus\/bus/,
  });
});
