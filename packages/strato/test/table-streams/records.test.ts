/**
 * Stream record shapes, against the sample DynamoDB stream event and the
 * DynamoDB Streams API reference (`StreamRecord`): typed images, whole-second
 * creation times, increasing sequence numbers, images by view type.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { appWithStream, InProcessInvoker, openStreams, TABLE, tempStateDir } from './helpers.ts';

const samples = path.join(import.meta.dirname, '../../../../../shared/samples/events');
const sample = JSON.parse(readFileSync(path.join(samples, 'dynamodb-stream.json'), 'utf8')) as { Records: Record<string, unknown>[] };

const keys = { owner: 'ana', id: 'p1' };
const first = { ...keys, title: 'Dunes', likes: 3, ratio: 1.5, draft: false, note: null, tags: ['sand', 'sky'], size: { width: 4000, height: 3000 } };
const second = { ...first, likes: 4 };

test('records carry typed images in the sample shape', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('NEW_AND_OLD_IMAGES', { batchSize: 3, maxBatchingWindow: 1 }), invoker, region: 'us-east-2', accountId: '123456789012' });

  const before = Math.floor(Date.now() / 1000);
  store.put(TABLE, { item: first });
  store.update(TABLE, { key: keys, changes: { likes: 4 } });
  store.delete(TABLE, { key: keys });
  assert.equal((await nextOutcome()).type, 'succeeded');
  await close();
  state.remove();

  const [insert, modify, remove] = invoker.records();
  assert.ok(insert);
  assert.ok(modify);
  assert.ok(remove);
  assert.equal(invoker.events.length, 1);

  // Same top-level fields in the same order as the sample's records (without userIdentity, which only TTL deletions carry).
  const sampleKeys = Object.keys(sample.Records[0]!);
  assert.deepEqual(Object.keys(insert), sampleKeys);
  assert.deepEqual(Object.keys(insert.dynamodb!), Object.keys(sample.Records[0]!.dynamodb as object));
  assert.deepEqual(Object.keys(modify.dynamodb!), Object.keys(sample.Records[1]!.dynamodb as object));
  assert.deepEqual(Object.keys(remove.dynamodb!), Object.keys(sample.Records[2]!.dynamodb as object));

  assert.deepEqual([insert.eventName, modify.eventName, remove.eventName], ['INSERT', 'MODIFY', 'REMOVE']);
  assert.equal(insert.eventVersion, '1.1');
  assert.equal(insert.eventSource, 'aws:dynamodb');
  assert.equal(insert.awsRegion, 'us-east-2');
  assert.match(insert.eventID!, /^[0-9a-f]{32}$/);
  assert.notEqual(insert.eventID, modify.eventID);
  assert.match(insert.eventSourceARN!, /^arn:aws:dynamodb:us-east-2:123456789012:table\/demo-feed-items\/stream\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);

  // Images are typed AttributeValues.
  assert.deepEqual(insert.dynamodb!.Keys, { owner: { S: 'ana' }, id: { S: 'p1' } });
  assert.deepEqual(insert.dynamodb!.NewImage, {
    owner: { S: 'ana' },
    id: { S: 'p1' },
    title: { S: 'Dunes' },
    likes: { N: '3' },
    ratio: { N: '1.5' },
    draft: { BOOL: false },
    note: { NULL: true },
    tags: { L: [{ S: 'sand' }, { S: 'sky' }] },
    size: { M: { width: { N: '4000' }, height: { N: '3000' } } },
  });
  assert.deepEqual(modify.dynamodb!.OldImage?.likes, { N: '3' });
  assert.deepEqual(modify.dynamodb!.NewImage?.likes, { N: '4' });
  assert.equal(remove.dynamodb!.NewImage, undefined);
  assert.equal(insert.dynamodb!.OldImage, undefined);

  // Whole epoch seconds, and sequence numbers that grow.
  const created = insert.dynamodb!.ApproximateCreationDateTime!;
  assert.ok(Number.isInteger(created));
  assert.ok(created >= before);
  assert.ok(created <= Math.ceil(Date.now() / 1000));
  const sequences = [insert, modify, remove].map((record) => BigInt(record.dynamodb!.SequenceNumber!));
  assert.ok(sequences[0]! < sequences[1]!);
  assert.ok(sequences[1]! < sequences[2]!);
  assert.equal(typeof insert.dynamodb!.SizeBytes, 'number');
  assert.equal(insert.dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
});

for (const [viewType, expected] of [
  ['KEYS_ONLY', { insert: [], modify: [], remove: [] }],
  ['NEW_IMAGE', { insert: ['NewImage'], modify: ['NewImage'], remove: [] }],
  ['OLD_IMAGE', { insert: [], modify: ['OldImage'], remove: ['OldImage'] }],
] as const) {
  test(`${viewType} records carry only their images`, async () => {
    const state = tempStateDir();
    const invoker = new InProcessInvoker();
    const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream(viewType, { batchSize: 3, maxBatchingWindow: 1 }), invoker });

    store.put(TABLE, { item: first });
    store.put(TABLE, { item: second });
    store.delete(TABLE, { key: keys });
    await nextOutcome();
    await close();
    state.remove();

    const images = invoker.records().map((record) => Object.keys(record.dynamodb!).filter((name) => name.endsWith('Image')));
    assert.deepEqual(images, [expected.insert, expected.modify, expected.remove]);
    for (const record of invoker.records()) {
      assert.deepEqual(record.dynamodb!.Keys, { owner: { S: 'ana' }, id: { S: 'p1' } });
      assert.equal(record.dynamodb!.StreamViewType, viewType);
    }
  });
}

test('writes that change nothing make no records', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 10, maxBatchingWindow: 1 }), invoker });

  // A table without a stream, a put of the same item, and a delete of a missing item make no records.
  store.put('demo-feed-plain', { item: { id: 'x' } });
  store.put(TABLE, { item: first });
  store.put(TABLE, { item: first });
  store.delete(TABLE, { key: { owner: 'ana', id: 'missing' } });
  store.update(TABLE, { key: keys, changes: { likes: 3 } });
  await nextOutcome();
  await close();
  state.remove();

  assert.deepEqual(invoker.records().map((record) => record.eventName), ['INSERT']);
});

test('a write that fails makes no record', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 10, maxBatchingWindow: 1 }), invoker });

  store.put(TABLE, { item: first });
  assert.throws(() => store.put(TABLE, { item: second, condition: { type: 'notExists' } }), { name: 'ConditionalCheckFailedException' });
  store.delete(TABLE, { key: keys });
  await nextOutcome();
  await close();
  state.remove();

  assert.deepEqual(invoker.records().map((record) => record.eventName), ['INSERT', 'REMOVE']);
});
