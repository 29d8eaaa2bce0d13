import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { STREAM, deliveredBodies, putAll, streamHarness } from './mapping-helpers.ts';

const SAMPLES = path.join(import.meta.dirname, '../../../../../shared/samples/events');

test('mapping delivers a KinesisStreamEvent shaped as the sample', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined);
  const binary = Buffer.from('V1gB/gDDKJr/', 'base64');
  const put = await engine.putRecord(STREAM, { partitionKey: 'ws-0977/frame', data: binary });
  startMapping();
  await invoker.calls(1);

  const sample = JSON.parse(readFileSync(path.join(SAMPLES, 'kinesis.json'), 'utf8')).Records[1];
  const [record] = invoker.events[0].Records;
  assert.deepEqual(Object.keys(record), Object.keys(sample));
  assert.deepEqual(Object.keys(record.kinesis), Object.keys(sample.kinesis));
  assert.equal(record.kinesis.data, 'V1gB/gDDKJr/', 'bytes that are not UTF-8 survive as base64');
  assert.equal(record.kinesis.kinesisSchemaVersion, '1.0');
  assert.equal(record.kinesis.partitionKey, 'ws-0977/frame');
  assert.equal(record.kinesis.sequenceNumber, put.sequenceNumber);
  assert.equal(record.eventID, `shardId-000000000000:${put.sequenceNumber}`);
  assert.equal(record.eventSource, 'aws:kinesis');
  assert.equal(record.eventVersion, '1.0');
  assert.equal(record.eventName, 'aws:kinesis:record');
  assert.equal(record.invokeIdentityArn, 'arn:aws:iam::000000000000:role/demo-jobs-counter-role');
  assert.equal(record.awsRegion, 'us-east-1');
  assert.equal(record.eventSourceARN, 'arn:aws:kinesis:us-east-1:000000000000:stream/demo-activity-events');
});

test('arrival timestamp is in seconds with a fraction', async (t) => {
  const arrival = Date.now() - 1_234;
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { now: () => arrival });
  await engine.putRecord(STREAM, { partitionKey: 'k', data: Buffer.from('x') });
  startMapping();
  await invoker.calls(1);

  assert.equal(invoker.events[0].Records[0].kinesis.approximateArrivalTimestamp, arrival / 1000);
});

test('records arrive in shard order in batches', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { consumer: { batchSize: 4 } });
  await putAll(engine, Array.from({ length: 10 }, (_, i) => ['key', `r${i}`] as const));
  startMapping();
  await invoker.calls(3);

  assert.deepEqual(invoker.events.map((event) => event.Records.length), [4, 4, 2]);
  assert.deepEqual(deliveredBodies(invoker), Array.from({ length: 10 }, (_, i) => `r${i}`));
});

test('each shard keeps its own order', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { stream: { shards: 2 } });
  // "a" hashes to the first shard and "b" to the second: MD5 0cc1... and 92eb....
  await putAll(engine, [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2']]);
  startMapping();
  await invoker.calls(2);

  const byShard = new Map<string, string[]>();
  for (const event of invoker.events) {
    const shardId = event.Records[0].eventID.split(':')[0];
    byShard.set(shardId, event.Records.map((r: any) => Buffer.from(r.kinesis.data, 'base64').toString()));
  }
  assert.deepEqual(byShard.get('shardId-000000000000'), ['a1', 'a2']);
  assert.deepEqual(byShard.get('shardId-000000000001'), ['b1', 'b2']);
});

test('starting position LATEST skips earlier records', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { consumer: { startingPosition: 'LATEST' } });
  await putAll(engine, [['k', 'before']]);
  startMapping();
  await putAll(engine, [['k', 'after']]);
  await invoker.calls(1);

  assert.deepEqual(deliveredBodies(invoker), ['after']);
});

test('starting position AT_TIMESTAMP', async (t) => {
  let clock = Date.now() - 10_000;
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, {
    now: () => clock,
    consumer: { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: (Date.now() - 5_000) / 1000 },
  });
  await putAll(engine, [['k', 'too early']]);
  clock = Date.now() - 4_000;
  await putAll(engine, [['k', 'in time']]);
  startMapping();
  await invoker.calls(1);

  assert.deepEqual(deliveredBodies(invoker), ['in time']);
});

test('checkpoint survives a restart', async (t) => {
  const { engine, invoker, startMapping, stopMapping } = streamHarness(t, () => undefined);
  await putAll(engine, [['k', 'one'], ['k', 'two']]);
  startMapping();
  await invoker.calls(1);
  await stopMapping();

  await putAll(engine, [['k', 'three']]);
  const mapping = startMapping();
  await invoker.calls(2);

  assert.deepEqual(deliveredBodies(invoker), ['one', 'two', 'three']);
  assert.equal(mapping.stats()[0]!.checkpointSequenceNumber, invoker.events[1].Records[0].kinesis.sequenceNumber);
});

test('new mapping with LATEST keeps its start across a restart', async (t) => {
  const { engine, invoker, startMapping, stopMapping } = streamHarness(t, () => undefined, { consumer: { startingPosition: 'LATEST' } });
  await putAll(engine, [['k', 'before']]);
  startMapping();
  await stopMapping();

  await putAll(engine, [['k', 'while stopped']]);
  startMapping();
  await invoker.calls(1);

  assert.deepEqual(deliveredBodies(invoker), ['while stopped']);
});

test('batching window gathers a full batch', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { consumer: { batchSize: 5, maxBatchingWindow: 5 } });
  startMapping();
  await putAll(engine, [['k', 'r0']]);
  setTimeout(() => void putAll(engine, [['k', 'r1'], ['k', 'r2'], ['k', 'r3'], ['k', 'r4']]), 50);
  await invoker.calls(1);

  // The batch went out when it was full, before the 5-second window ended.
  assert.deepEqual(deliveredBodies(invoker), ['r0', 'r1', 'r2', 'r3', 'r4']);
});
