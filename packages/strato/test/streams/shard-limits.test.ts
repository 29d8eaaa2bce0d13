import assert from 'node:assert/strict';
import { test } from 'node:test';

import { StreamEngine } from '../../src/local/streams/index.ts';
import { TestClock, bytes, streamModel, tempStateDir } from './helpers.ts';

const STREAM = 'demo-activity-events';

function openLimited(t: { after(fn: () => void): void }) {
  const clock = new TestClock();
  const engine = new StreamEngine({ stateDir: tempStateDir(t), streams: [streamModel('events')], now: clock.now, shardWriteLimits: true });
  t.after(() => engine.close());
  return { engine, clock };
}

const records = (count: number) => Array.from({ length: count }, (_, i) => ({ data: bytes(`r${i}`), partitionKey: 'k' }));

test('records over 1,000 per second fail one by one', async (t) => {
  // A shard takes up to 1,000 records per second: https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
  const { engine, clock } = openLimited(t);

  await engine.putRecords(STREAM, records(500));
  await engine.putRecords(STREAM, records(495));
  const over = await engine.putRecords(STREAM, records(10));

  assert.equal(over.failedRecordCount, 5);
  assert.ok(over.records.slice(0, 5).every((record) => 'sequenceNumber' in record));
  for (const record of over.records.slice(5)) {
    assert.ok('errorCode' in record);
    assert.equal(record.errorCode, 'ProvisionedThroughputExceededException');
    assert.equal(record.errorMessage, 'Rate exceeded for shard shardId-000000000000 in stream demo-activity-events under account 000000000000.');
  }
  await assert.rejects(engine.putRecord(STREAM, { data: bytes('x'), partitionKey: 'k' }), { name: 'ProvisionedThroughputExceededException' });

  clock.advance(1_000);
  assert.equal((await engine.putRecords(STREAM, records(10))).failedRecordCount, 0);
});

test('data over 1 MiB per second fails', async (t) => {
  const { engine } = openLimited(t);
  const big = { data: new Uint8Array(600_000), partitionKey: 'k' };

  const result = await engine.putRecords(STREAM, [big, big]);

  assert.equal(result.failedRecordCount, 1);
  assert.ok('sequenceNumber' in result.records[0]!);
  assert.ok('errorCode' in result.records[1]!);
});
