import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { resolveApp } from '../../src/model/index.ts';
import { appWithStream, InProcessInvoker, openStreams, TABLE, tempStateDir } from './helpers.ts';

const withoutStream = resolveApp({
  name: 'demo',
  services: {
    feed: {
      functions: { project: { handler: 'src/hello.handler' } },
      queues: { failures: {} },
      tables: { items: { partitionKey: 'owner', sortKey: 'id' }, plain: { partitionKey: 'id' } },
    },
  },
}, path.join(import.meta.dirname, '../fixtures/hello'));

test('a reloaded model changes streams and consumers', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const { streams, store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 10 }), invoker });

  store.put(TABLE, { item: { owner: 'ana', id: 'p1' } });
  assert.equal((await nextOutcome()).type, 'succeeded');

  // New settings restart the consumer from its checkpoint.
  await streams.update(appWithStream('NEW_IMAGE', { batchSize: 1 }));
  store.put(TABLE, { item: { owner: 'ana', id: 'p2' } });
  store.put(TABLE, { item: { owner: 'ana', id: 'p3' } });
  assert.equal((await nextOutcome()).type, 'succeeded');
  assert.equal((await nextOutcome()).type, 'succeeded');

  // Without a stream, writes make no records.
  await streams.update(withoutStream);
  store.put(TABLE, { item: { owner: 'ana', id: 'p4' } });

  // With the stream back, the consumer resumes after p3, and p4 has no record.
  await streams.update(appWithStream('NEW_IMAGE', { batchSize: 1 }));
  store.put(TABLE, { item: { owner: 'ana', id: 'p5' } });
  assert.equal((await nextOutcome()).type, 'succeeded');
  await close();
  state.remove();

  assert.deepEqual(invoker.events.map((event) => event.Records.map((record) => record.dynamodb!.Keys!.id!.S)), [['p1'], ['p2'], ['p3'], ['p5']]);
  assert.equal(invoker.events[0]!.Records[0]!.dynamodb!.NewImage, undefined);
  assert.deepEqual(invoker.events[1]!.Records[0]!.dynamodb!.NewImage, { owner: { S: 'ana' }, id: { S: 'p2' } });
});

test('a reload with the same settings keeps delivering', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const app = appWithStream('KEYS_ONLY', { batchSize: 10 });
  const { streams, store, nextOutcome, close } = openStreams({ stateDir: state.dir, app, invoker });
  const before = streams.iteratorAges().map((age) => age.consumerId);

  await streams.update(appWithStream('KEYS_ONLY', { batchSize: 10 }));
  store.put(TABLE, { item: { owner: 'ana', id: 'p1' } });
  assert.equal((await nextOutcome()).type, 'succeeded');
  const after = streams.iteratorAges().map((age) => age.consumerId);
  await close();
  state.remove();

  assert.deepEqual(after, before);
  assert.deepEqual(invoker.records().map((record) => record.dynamodb!.Keys!.id!.S), ['p1']);
});
