/**
 * The behaviour of the stream client that every driver shares. Each driver's
 * test file runs it against a fresh stream `events` with two shards, named by
 * the link variable `STRATO_STREAM_EVENTS`.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { stream } from '../../src/client/index.ts';

export interface StreamTarget {
  setUp(t: TestContext): Promise<void> | void;
}

const SHARD_IDS = ['shardId-000000000000', 'shardId-000000000001'];

export function defineStreamContract(target: StreamTarget): void {
  test('stream client puts a record', async (t) => {
    await target.setUp(t);

    const result = await stream('events').put({ photoId: 'p1', kind: 'like' }, 'p1');

    assert.ok(SHARD_IDS.includes(result.shardId), result.shardId);
    assert.match(result.sequenceNumber, /^\d+$/);
  });

  test('stream client puts a batch in order', async (t) => {
    await target.setUp(t);

    const result = await stream('events').putBatch([
      { data: 'one', partitionKey: 'same' },
      { data: new Uint8Array([0, 255]), partitionKey: 'same' },
      { data: { n: 3 }, partitionKey: 'same' },
    ]);

    assert.equal(result.failedRecordCount, 0);
    const numbers = result.records.map((record) => ('sequenceNumber' in record ? BigInt(record.sequenceNumber) : 0n));
    assert.ok(numbers[0]! < numbers[1]!, 'second sequence number is larger');
    assert.ok(numbers[1]! < numbers[2]!, 'third sequence number is larger');
    assert.equal(new Set(result.records.map((record) => ('shardId' in record ? record.shardId : ''))).size, 1);
  });
}
