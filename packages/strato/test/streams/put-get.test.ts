import assert from 'node:assert/strict';
import { test } from 'node:test';

import { evenHashKeyRanges } from '../../src/local/streams/index.ts';
import { bytes, openStreams, streamModel, text } from './helpers.ts';

const STREAM = 'demo-activity-events';

test('shards split the hash key range as CreateStream does', () => {
  // Values from ListShards of streams created with 2 and 3 shards.
  const two = evenHashKeyRanges(2);
  assert.equal(two[0]!.endingHashKey.toString(), '170141183460469231731687303715884105727');
  assert.equal(two[1]!.startingHashKey.toString(), '170141183460469231731687303715884105728');
  assert.equal(two[1]!.endingHashKey.toString(), '340282366920938463463374607431768211455');
  const three = evenHashKeyRanges(3);
  assert.equal(three[0]!.endingHashKey.toString(), '113427455640312821154458202477256070484');
  assert.equal(three[1]!.startingHashKey.toString(), '113427455640312821154458202477256070485');
});

test('partition keys hash to shards by MD5', async (t) => {
  const { engine } = openStreams(t, [streamModel('events', { shards: 4 })]);

  // MD5 as a 128-bit number picks a quarter of the range: "a" = 0cc1..., "c" = 4a8a..., "d" = 8277..., "b" = 92eb....
  const expected = { a: 'shardId-000000000000', c: 'shardId-000000000001', d: 'shardId-000000000002', b: 'shardId-000000000002' };
  for (const [partitionKey, shardId] of Object.entries(expected)) {
    const result = await engine.putRecord(STREAM, { data: bytes(partitionKey), partitionKey });
    assert.equal(result.shardId, shardId, `partition key ${partitionKey}`);
  }
});

test('explicit hash key overrides the partition key', async (t) => {
  const { engine } = openStreams(t, [streamModel('events', { shards: 2 })]);

  const result = await engine.putRecord(STREAM, { data: bytes('x'), partitionKey: 'a', explicitHashKey: '340282366920938463463374607431768211455' });
  assert.equal(result.shardId, 'shardId-000000000001');
  await assert.rejects(engine.putRecord(STREAM, { data: bytes('x'), partitionKey: 'a', explicitHashKey: '340282366920938463463374607431768211456' }), { name: 'InvalidArgumentException' });
});

test('sequence numbers increase per shard', async (t) => {
  const { engine } = openStreams(t, [streamModel('events', { shards: 2 })]);

  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => engine.putRecord(STREAM, { data: bytes(`r${i}`), partitionKey: `key-${i}` })));
  for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
    const numbers = results.filter((r) => r.shardId === shardId).map((r) => BigInt(r.sequenceNumber));
    assert.ok(numbers.length > 0, `records on ${shardId}`);
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i]! > numbers[i - 1]!, `${shardId} record ${i}`);
  }
  assert.ok(results.every((r) => /^\d{56}$/.test(r.sequenceNumber)));
});

test('put records returns a result per record in order', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);

  const result = await engine.putRecords(STREAM, [
    { data: bytes('one'), partitionKey: 'k' },
    { data: bytes('two'), partitionKey: 'k' },
  ]);

  assert.equal(result.failedRecordCount, 0);
  assert.equal(result.records.length, 2);
  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  const read = engine.getRecords(iterator);
  assert.deepEqual(read.records.map((r) => text(r.data)), ['one', 'two']);
  assert.deepEqual(read.records.map((r) => r.sequenceNumber), result.records.map((r) => ('sequenceNumber' in r ? r.sequenceNumber : '')));
});

test('binary data survives the round trip', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);
  const data = Uint8Array.from([0x57, 0x58, 0x01, 0xfe, 0x00, 0xc3, 0x28, 0x9a, 0xff]);

  await engine.putRecord(STREAM, { data, partitionKey: 'frame' });
  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  const [record] = engine.getRecords(iterator).records;

  assert.deepEqual([...record!.data], [...data]);
  assert.equal(record!.partitionKey, 'frame');
});

test('iterator types start where Kinesis starts', async (t) => {
  const { engine, clock } = openStreams(t, [streamModel('events')]);
  const shardId = 'shardId-000000000000';
  const put = (body: string) => engine.putRecord(STREAM, { data: bytes(body), partitionKey: 'k' });
  const readFrom = (input: Parameters<typeof engine.getShardIterator>[1]) =>
    engine.getRecords(engine.getShardIterator(STREAM, input).shardIterator).records.map((r) => text(r.data));

  const first = await put('first');
  clock.advance(1_000);
  const secondTime = clock.time;
  const second = await put('second');
  const latest = engine.getShardIterator(STREAM, { shardId, shardIteratorType: 'LATEST' }).shardIterator;
  clock.advance(1_000);
  await put('third');

  assert.deepEqual(readFrom({ shardId, shardIteratorType: 'TRIM_HORIZON' }), ['first', 'second', 'third']);
  assert.deepEqual(readFrom({ shardId, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: second.sequenceNumber }), ['second', 'third']);
  assert.deepEqual(readFrom({ shardId, shardIteratorType: 'AFTER_SEQUENCE_NUMBER', startingSequenceNumber: first.sequenceNumber }), ['second', 'third']);
  assert.deepEqual(readFrom({ shardId, shardIteratorType: 'AT_TIMESTAMP', timestamp: secondTime }), ['second', 'third']);
  assert.deepEqual(readFrom({ shardId, shardIteratorType: 'LATEST' }), []);
  assert.deepEqual(engine.getRecords(latest).records.map((r) => text(r.data)), ['third']);
});

test('get records pages with the next iterator and reports lag', async (t) => {
  const { engine, clock } = openStreams(t, [streamModel('events')]);
  for (let i = 0; i < 5; i++) await engine.putRecord(STREAM, { data: bytes(`r${i}`), partitionKey: 'k' });
  clock.advance(2_000);

  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  const page = engine.getRecords(iterator, { limit: 3 });
  assert.equal(page.records.length, 3);
  assert.equal(page.millisBehindLatest, 2_000);

  const rest = engine.getRecords(page.nextShardIterator);
  assert.deepEqual(rest.records.map((r) => text(r.data)), ['r3', 'r4']);
  assert.equal(rest.millisBehindLatest, 0);
  assert.deepEqual(engine.getRecords(rest.nextShardIterator).records, []);
});

test('arrival timestamps are the commit time', async (t) => {
  const { engine, clock } = openStreams(t, [streamModel('events')]);

  await engine.putRecord(STREAM, { data: bytes('x'), partitionKey: 'k' });
  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  assert.equal(engine.getRecords(iterator).records[0]!.approximateArrivalTimestamp.getTime(), clock.time);
});

test('retention trims old records', async (t) => {
  const { engine, clock } = openStreams(t, [streamModel('events', { retentionHours: 24 })]);
  await engine.putRecord(STREAM, { data: bytes('old'), partitionKey: 'k' });
  clock.advance(12 * 3_600_000);
  await engine.putRecord(STREAM, { data: bytes('young'), partitionKey: 'k' });
  clock.advance(12 * 3_600_000);

  engine.trimExpired();
  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  assert.deepEqual(engine.getRecords(iterator).records.map((r) => text(r.data)), ['young']);
});

test('list shards and describe the stream', (t) => {
  const { engine } = openStreams(t, [streamModel('events', { shards: 2, retentionHours: 48 })]);

  const shards = engine.listShards(STREAM);
  assert.deepEqual(shards.map((s) => s.shardId), ['shardId-000000000000', 'shardId-000000000001']);
  assert.equal(shards[0]!.hashKeyRange.startingHashKey, '0');
  const summary = engine.describeStreamSummary(STREAM);
  assert.equal(summary.streamARN, 'arn:aws:kinesis:us-east-1:000000000000:stream/demo-activity-events');
  assert.equal(summary.openShardCount, 2);
  assert.equal(summary.retentionPeriodHours, 48);
  assert.equal(summary.streamStatus, 'ACTIVE');
});

test('get records returns at most 10 MiB', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);
  const record = { data: new Uint8Array(1_000_000), partitionKey: 'k' };
  await engine.putRecords(STREAM, Array.from({ length: 5 }, () => record));
  await engine.putRecords(STREAM, Array.from({ length: 5 }, () => record));
  await engine.putRecords(STREAM, Array.from({ length: 2 }, () => record));

  const iterator = engine.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  const first = engine.getRecords(iterator);
  assert.equal(first.records.length, 10);
  assert.equal(engine.getRecords(first.nextShardIterator).records.length, 2);
});
