import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ServiceError } from '../../src/runtime/types.ts';
import { STREAM, deliveredBodies, putAll, streamHarness } from './mapping-helpers.ts';

const bodiesOf = (event: any): string[] => event.Records.map((r: any) => Buffer.from(r.kinesis.data, 'base64').toString());

test('failing batch is retried until it succeeds', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, (_event, call) => {
    if (call <= 2) throw new Error(`attempt ${call} fails`);
  });
  await putAll(engine, [['k', 'a'], ['k', 'b']]);
  startMapping();
  await invoker.calls(3);

  assert.deepEqual(invoker.events.map(bodiesOf), [['a', 'b'], ['a', 'b'], ['a', 'b']]);
});

test('later records wait behind a failing batch', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, (event, call) => {
    if (call <= 2) throw new Error('not yet');
    return event;
  }, { consumer: { batchSize: 1 } });
  await putAll(engine, [['k', 'first'], ['k', 'second']]);
  startMapping();
  await invoker.calls(4);

  assert.deepEqual(deliveredBodies(invoker), ['first', 'first', 'first', 'second']);
});

test('retries run out, then the on-failure record is sent', async (t) => {
  const { engine, invoker, failures, startMapping } = streamHarness(t, (event) => {
    if (bodiesOf(event).includes('poison')) throw new Error('cannot parse');
  }, { consumer: { maxRetryAttempts: 2, onFailureQueueId: 'jobs.failed' } });
  const [sequenceNumber] = await putAll(engine, [['k', 'poison']]);
  startMapping();
  await invoker.calls(3);
  await putAll(engine, [['k', 'healthy']]);
  await invoker.calls(4);

  // One invocation and two retries, then the shard moves on.
  assert.deepEqual(deliveredBodies(invoker), ['poison', 'poison', 'poison', 'healthy']);
  assert.equal(failures.length, 1);
  const record = failures[0]!;
  // Shape of the documented Kinesis invocation record: https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
  assert.deepEqual(Object.keys(record), ['requestContext', 'responseContext', 'version', 'timestamp', 'KinesisBatchInfo']);
  assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.equal(record.requestContext.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:demo-jobs-counter');
  assert.match(record.requestContext.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  assert.equal(record.version, '1.0');
  assert.match(record.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepEqual(Object.keys(record.KinesisBatchInfo), ['shardId', 'startSequenceNumber', 'endSequenceNumber', 'approximateArrivalOfFirstRecord', 'approximateArrivalOfLastRecord', 'batchSize', 'streamArn']);
  assert.equal(record.KinesisBatchInfo.shardId, 'shardId-000000000000');
  assert.equal(record.KinesisBatchInfo.startSequenceNumber, sequenceNumber);
  assert.equal(record.KinesisBatchInfo.endSequenceNumber, sequenceNumber);
  assert.equal(record.KinesisBatchInfo.batchSize, 1);
  assert.equal(record.KinesisBatchInfo.streamArn, 'arn:aws:kinesis:us-east-1:000000000000:stream/demo-activity-events');
});

test('bisect on error isolates the bad record', async (t) => {
  const { engine, invoker, failures, startMapping } = streamHarness(t, (event) => {
    if (bodiesOf(event).includes('bad')) throw new Error('bad record');
  }, { consumer: { bisectBatchOnError: true, maxRetryAttempts: 0, onFailureQueueId: 'jobs.failed' } });
  await putAll(engine, [['k', 'r1'], ['k', 'r2'], ['k', 'bad'], ['k', 'r4']]);
  startMapping();
  // [r1 r2 bad r4] fails, [r1 r2] succeeds, [bad r4] fails, [bad] fails and is given up, [r4] succeeds.
  await invoker.calls(5);

  assert.deepEqual(invoker.events.map(bodiesOf), [['r1', 'r2', 'bad', 'r4'], ['r1', 'r2'], ['bad', 'r4'], ['bad'], ['r4']]);
  assert.equal(failures.length, 1);
  assert.equal(failures[0]!.KinesisBatchInfo.batchSize, 1);
});

test('partial batch response retries from the lowest failure', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, (event, call) => {
    if (call === 1) return { batchItemFailures: [{ itemIdentifier: event.Records[3].kinesis.sequenceNumber }, { itemIdentifier: event.Records[1].kinesis.sequenceNumber }] };
    return { batchItemFailures: [] };
  }, { consumer: { reportBatchItemFailures: true } });
  await putAll(engine, [['k', 'r0'], ['k', 'r1'], ['k', 'r2'], ['k', 'r3']]);
  startMapping();
  await invoker.calls(2);

  assert.deepEqual(invoker.events.map(bodiesOf), [['r0', 'r1', 'r2', 'r3'], ['r1', 'r2', 'r3']]);
});

test('invalid partial batch response retries the whole batch', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, (_event, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : {}), { consumer: { reportBatchItemFailures: true } });
  await putAll(engine, [['k', 'r0'], ['k', 'r1']]);
  startMapping();
  await invoker.calls(2);

  assert.deepEqual(invoker.events.map(bodiesOf), [['r0', 'r1'], ['r0', 'r1']]);
});

test('records older than the maximum age are given up', async (t) => {
  const { engine, invoker, failures, startMapping } = streamHarness(t, () => undefined, {
    now: () => Date.now() - 120_000,
    consumer: { maxRecordAge: 60, onFailureQueueId: 'jobs.failed' },
  });
  await putAll(engine, [['k', 'stale']]);
  const mapping = startMapping();
  await new Promise<void>((resolve) => {
    const check = () => (failures.length > 0 ? resolve() : setTimeout(check, 5));
    check();
  });

  assert.equal(invoker.events.length, 0, 'an expired record is not sent to the function');
  assert.equal(failures[0]!.requestContext.condition, 'RecordAgeExceeded');
  assert.equal(failures[0]!.requestContext.approximateInvokeCount, 0);
  assert.equal(mapping.stats()[0]!.discardedBatches, 1);
});

test('parallelization keeps each partition key in order', async (t) => {
  const { engine, invoker, startMapping } = streamHarness(t, () => undefined, { consumer: { parallelizationFactor: 4, batchSize: 3 } });
  const keys = ['user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'];
  await putAll(engine, Array.from({ length: 60 }, (_, i) => [keys[i % keys.length]!, `${keys[i % keys.length]}:${i}`] as const));
  const mapping = startMapping();
  await new Promise<void>((resolve) => {
    const check = () => (deliveredBodies(invoker).length >= 60 ? resolve() : setTimeout(check, 5));
    check();
  });

  for (const key of keys) {
    const order = deliveredBodies(invoker).filter((body) => body.startsWith(`${key}:`)).map((body) => Number(body.split(':')[1]));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `records of ${key} in order`);
    assert.equal(order.length, 10);
  }
  assert.ok(invoker.events.every((event) => event.Records.length <= 3));
  assert.equal(mapping.stats()[0]!.invocations, invoker.events.length);
});

test('iterator age shows how far behind the mapping is', async (t) => {
  let ageDuringBatch = -1;
  let mapping: ReturnType<ReturnType<typeof streamHarness>['startMapping']> | undefined;
  const { engine, invoker, startMapping } = streamHarness(t, async () => {
    // The first batch starts inside startMapping, before it returns the mapping.
    await new Promise((resolve) => setImmediate(resolve));
    ageDuringBatch = mapping!.stats()[0]!.iteratorAgeMs;
  }, { now: () => Date.now() - 5_000 });
  await putAll(engine, [['k', 'late']]);
  mapping = startMapping();
  await invoker.calls(1);

  // The record arrived 5 seconds before it was read, so the batch was at least that far behind.
  assert.ok(ageDuringBatch >= 5_000, `iterator age ${ageDuringBatch} ms`);
  const [stats] = mapping.stats();
  assert.equal(stats!.shardId, 'shardId-000000000000');
  assert.equal(stats!.invocations, 1);
  assert.equal(stats!.iteratorAgeMs, 0, 'caught up after the batch');
  assert.equal(stats!.checkpointSequenceNumber, invoker.events[0].Records[0].kinesis.sequenceNumber);
});

test('throttles use no retry attempts', async (t) => {
  const { engine, invoker, failures, startMapping } = streamHarness(t, (_event, call) => {
    if (call <= 2) throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
  }, { consumer: { maxRetryAttempts: 0, onFailureQueueId: 'jobs.failed' } });
  await putAll(engine, [['k', 'r0']]);
  startMapping();
  await invoker.calls(3);

  assert.deepEqual(deliveredBodies(invoker), ['r0', 'r0', 'r0']);
  assert.deepEqual(failures, []);
});
