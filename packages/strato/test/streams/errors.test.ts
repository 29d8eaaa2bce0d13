import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_PUT_RECORDS, MAX_RECORD_DATA_BYTES } from '../../src/local/streams/index.ts';
import { bytes, openStreams, streamModel } from './helpers.ts';

const STREAM = 'demo-activity-events';
const SHARD = 'shardId-000000000000';

test('unknown stream fails with ResourceNotFoundException', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);

  // Kinesis's message names the stream and the account.
  await assert.rejects(() => engine.putRecord('demo-activity-missing', { data: bytes('x'), partitionKey: 'k' }), {
    name: 'ResourceNotFoundException',
    message: /^Stream demo-activity-missing under account 000000000000 not found\./,
  });
  assert.throws(() => engine.getShardIterator(STREAM, { shardId: 'shardId-000000000009', shardIteratorType: 'LATEST' }), { name: 'ResourceNotFoundException' });
});

test('record over 1 MiB is rejected', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);

  await assert.rejects(() => engine.putRecord(STREAM, { data: new Uint8Array(MAX_RECORD_DATA_BYTES + 1), partitionKey: 'k' }), {
    name: 'ValidationException',
    message: "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
  });
  await assert.doesNotReject(() => engine.putRecord(STREAM, { data: new Uint8Array(MAX_RECORD_DATA_BYTES), partitionKey: 'k' }));
});

test('put records limits count, size and each record', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);
  const record = { data: bytes('x'), partitionKey: 'k' };

  await assert.rejects(() => engine.putRecords(STREAM, []), { name: 'ValidationException' });
  await assert.rejects(() => engine.putRecords(STREAM, Array.from({ length: MAX_PUT_RECORDS + 1 }, () => record)), {
    name: 'ValidationException',
    message: /Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500/,
  });
  const big = { data: new Uint8Array(MAX_RECORD_DATA_BYTES), partitionKey: 'k' };
  await assert.rejects(() => engine.putRecords(STREAM, [big, big, big, big, big, big]), { name: 'InvalidArgumentException', message: /Records size exceeds 5 MB limit/ });
  await assert.rejects(() => engine.putRecords(STREAM, [record, { data: bytes('y'), partitionKey: '' }]), {
    name: 'ValidationException',
    message: /records\.2\.member\.partitionKey/,
  });

  const iterator = engine.getShardIterator(STREAM, { shardId: SHARD, shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  assert.deepEqual(engine.getRecords(iterator).records, [], 'a rejected request stores nothing');
});

test('partition key over 256 characters is rejected', async (t) => {
  const { engine } = openStreams(t, [streamModel('events')]);
  await assert.rejects(() => engine.putRecord(STREAM, { data: bytes('x'), partitionKey: 'k'.repeat(257) }), { name: 'ValidationException', message: /partitionKey/ });
});

test('iterator errors', async (t) => {
  const { engine, clock } = openStreams(t, [streamModel('events'), streamModel('other')]);
  const other = await engine.putRecord('demo-activity-other', { data: bytes('x'), partitionKey: 'k' });

  assert.throws(() => engine.getShardIterator(STREAM, { shardId: SHARD, shardIteratorType: 'AT_SEQUENCE_NUMBER' }), { name: 'InvalidArgumentException' });
  assert.throws(() => engine.getShardIterator(STREAM, { shardId: SHARD, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: '12' }), { name: 'InvalidArgumentException' });
  assert.throws(() => engine.getRecords('garbage'), { name: 'InvalidArgumentException' });

  const iterator = engine.getShardIterator(STREAM, { shardId: SHARD, shardIteratorType: 'LATEST' }).shardIterator;
  clock.advance(300_001);
  assert.throws(() => engine.getRecords(iterator), { name: 'ExpiredIteratorException' });
  assert.match(other.sequenceNumber, /^\d+$/);
});
