/**
 * The stream client with the local driver, over a channel to the real router
 * and stream engine, plus the checks only the local cloud makes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { stream } from '../../src/client/index.ts';
import { BucketStore } from '../../src/local/buckets/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { StreamEngine, createStreamHandler } from '../../src/local/streams/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { FIXTURE_ROOT } from '../client/app-fixture.ts';
import { installChannel } from '../client/channel-fixture.ts';
import { rejectionOf } from '../queues/client-contract.ts';
import { defineStreamContract } from './client-contract.ts';

const channel = installChannel();

const app = resolveApp({
  name: 'demo',
  services: {
    activity: {
      functions: {
        producer: { handler: 'handlers/noop.handler', links: ['events'] },
        outsider: { handler: 'handlers/noop.handler', links: [] },
      },
      streams: { events: { shards: 2 } },
    },
  },
}, FIXTURE_ROOT);

function setUp(t: TestContext, functionId = 'activity.producer'): void {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-stream-client-'));
  const streams = new StreamEngine({ stateDir, streams: app.streams });
  const tables = createTableStore({ stateDir, tables: [] });
  const buckets = new BucketStore({ stateDir, buckets: [] });
  channel.useRouter(createResourceRouter({ app, buckets, tables, handlers: { stream: createStreamHandler(streams) } }), app);
  channel.actAs(functionId);
  t.after(() => {
    streams.close();
    tables.close();
    buckets.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
}

defineStreamContract({ setUp });

test('unlinked stream is access denied', async (t) => {
  setUp(t, 'activity.outsider');

  const error = await rejectionOf(stream('events').put('x', 'k'));

  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:000000000000:stream\/events/);
});

test('oversized record keeps the Kinesis error', async (t) => {
  setUp(t);

  const error = await rejectionOf(stream('events').put(new Uint8Array(1_048_577), 'k'));

  assert.equal(error.name, 'ValidationException');
  assert.match(error.message, /Member must have length less than or equal to 1048576/);
});

// NOTE: moto 5 fails PutRecord with ExplicitHashKey (an HTML error page), so this check runs locally only.
const SHARD_IDS = ['shardId-000000000000', 'shardId-000000000001'];

test('stream client routes by explicit hash key', async (t) => {
  setUp(t);

  const low = await stream('events').put('x', 'k', { explicitHashKey: '0' });
  const high = await stream('events').put('x', 'k', { explicitHashKey: '340282366920938463463374607431768211455' });

  assert.equal(low.shardId, SHARD_IDS[0]);
  assert.equal(high.shardId, SHARD_IDS[1]);
});
