import assert from 'node:assert/strict';
import { test } from 'node:test';

import { StreamEngine } from '../../src/local/streams/index.ts';
import { bytes, streamModel, tempStateDir, text } from './helpers.ts';

const STREAM = 'demo-activity-events';

test('records and sequence numbers survive a restart', async (t) => {
  const stateDir = tempStateDir(t);
  const streams = [streamModel('events', { shards: 2 })];

  const before = new StreamEngine({ stateDir, streams });
  const first = await before.putRecords(STREAM, Array.from({ length: 10 }, (_, i) => ({ data: bytes(`r${i}`), partitionKey: 'same-key' })));
  before.close();

  const after = new StreamEngine({ stateDir, streams });
  t.after(() => after.close());
  const next = await after.putRecord(STREAM, { data: bytes('after restart'), partitionKey: 'same-key' });

  const last = first.records.at(-1)!;
  assert.ok('sequenceNumber' in last);
  assert.equal(next.shardId, last.shardId);
  assert.ok(BigInt(next.sequenceNumber) > BigInt(last.sequenceNumber));
  const iterator = after.getShardIterator(STREAM, { shardId: next.shardId, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: last.sequenceNumber }).shardIterator;
  assert.deepEqual(after.getRecords(iterator).records.map((r) => text(r.data)), ['r9', 'after restart']);
});

test('pending puts commit before close', async (t) => {
  const stateDir = tempStateDir(t);
  const streams = [streamModel('events')];

  const before = new StreamEngine({ stateDir, streams });
  const put = before.putRecord(STREAM, { data: bytes('in the last turn'), partitionKey: 'k' });
  before.close();
  await put;

  const after = new StreamEngine({ stateDir, streams });
  t.after(() => after.close());
  const iterator = after.getShardIterator(STREAM, { shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' }).shardIterator;
  assert.equal(after.getRecords(iterator).records.length, 1);
});
