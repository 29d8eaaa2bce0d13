/**
 * Event source mapping semantics for DynamoDB streams, as the Lambda
 * developer guide describes them ("Using AWS Lambda with Amazon DynamoDB",
 * "Configuring partial batch response with DynamoDB and Lambda").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { TableStore } from '../../src/local/tables/index.ts';
import { appWithStream, InProcessInvoker, openStreams, TABLE, tempStateDir } from './helpers.ts';

function insert(store: TableStore, id: number): void {
  store.put(TABLE, { item: { owner: 'ana', id: `p${id}`, n: id } });
}

function idsOf(invoker: InProcessInvoker): string[] {
  return invoker.records().map((record) => record.dynamodb!.Keys!.id!.S!);
}

test('consumer gets records in order, in batches of batchSize', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 4 }), invoker });

  for (let id = 1; id <= 10; id++) insert(store, id);
  let delivered = 0;
  while (delivered < 10) {
    const outcome = await nextOutcome();
    assert.equal(outcome.type, 'succeeded');
    delivered += outcome.records;
  }
  await close();
  state.remove();

  assert.deepEqual(idsOf(invoker), Array.from({ length: 10 }, (_, i) => `p${i + 1}`));
  assert.ok(invoker.events.every((event) => event.Records.length <= 4));
});

test('a failing batch is retried before later records', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  let calls = 0;
  invoker.handler = () => {
    calls++;
    if (calls === 1) throw new Error('table busy');
  };
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 2 }), invoker });

  insert(store, 1);
  insert(store, 2);
  const retry = await nextOutcome();
  assert.equal(retry.type, 'retrying');
  assert.equal(retry.type === 'retrying' && retry.error, 'Error: table busy');
  assert.equal((await nextOutcome()).type, 'succeeded');
  insert(store, 3);
  assert.equal((await nextOutcome()).type, 'succeeded');
  await close();
  state.remove();

  // The failed batch comes again, whole, then the next record.
  assert.deepEqual(invoker.events.map((event) => event.Records.map((record) => record.dynamodb!.Keys!.id!.S)), [['p1', 'p2'], ['p1', 'p2'], ['p3']]);
});

test('a batch out of retries goes to the on-failure queue', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  invoker.handler = (event) => {
    if (event.Records.some((record) => record.dynamodb!.Keys!.id!.S === 'p1')) throw new TypeError('cannot read p1');
  };
  const sent: { queueId: string; body: string }[] = [];
  const { store, streams, nextOutcome, close } = openStreams({
    stateDir: state.dir,
    app: appWithStream('NEW_IMAGE', { batchSize: 1, maxRetryAttempts: 2, onFailure: { queue: 'failures' } }),
    invoker,
    sendToQueue: async (queueId, body) => { sent.push({ queueId, body }); },
    region: 'us-east-2',
    accountId: '123456789012',
  });

  insert(store, 1);
  insert(store, 2);
  const outcomes = [await nextOutcome(), await nextOutcome(), await nextOutcome(), await nextOutcome()];
  assert.deepEqual(outcomes.map((outcome) => outcome.type), ['retrying', 'retrying', 'abandoned', 'succeeded']);
  const abandoned = streams.listAbandoned();
  await close();
  state.remove();

  // One first attempt and two retries, then the next record.
  assert.deepEqual(idsOf(invoker), ['p1', 'p1', 'p1', 'p2']);
  assert.equal(abandoned.length, 1);
  assert.equal(abandoned[0]!.condition, 'RetryAttemptsExhausted');
  assert.equal(abandoned[0]!.error, 'TypeError: cannot read p1');

  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.queueId, 'feed.failures');
  const record = JSON.parse(sent[0]!.body);
  assert.equal(record.version, '1.0');
  assert.equal(record.requestContext.condition, 'RetryAttemptsExhausted');
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.equal(record.requestContext.functionArn, 'arn:aws:lambda:us-east-2:123456789012:function:demo-feed-project');
  assert.equal(record.DDBStreamBatchInfo.batchSize, 1);
  assert.equal(record.DDBStreamBatchInfo.startSequenceNumber, invoker.records()[0]!.dynamodb!.SequenceNumber);
  assert.equal(record.DDBStreamBatchInfo.endSequenceNumber, invoker.records()[0]!.dynamodb!.SequenceNumber);
  assert.match(record.DDBStreamBatchInfo.streamArn, /^arn:aws:dynamodb:us-east-2:123456789012:table\/demo-feed-items\/stream\//);
});

test('batchItemFailures retries from the first failed record', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  let calls = 0;
  invoker.handler = (event) => {
    calls++;
    return calls === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[2]!.dynamodb!.SequenceNumber }] } : { batchItemFailures: [] };
  };
  const { store, nextOutcome, close } = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 4, reportBatchItemFailures: true }), invoker });

  for (let id = 1; id <= 4; id++) insert(store, id);
  assert.equal((await nextOutcome()).type, 'retrying');
  assert.equal((await nextOutcome()).type, 'succeeded');
  await close();
  state.remove();

  assert.deepEqual(invoker.events.map((event) => event.Records.map((record) => record.dynamodb!.Keys!.id!.S)), [['p1', 'p2', 'p3', 'p4'], ['p3', 'p4']]);
});

test('bisectBatchOnError splits a failing batch down to the bad record', async () => {
  const state = tempStateDir();
  const invoker = new InProcessInvoker();
  invoker.handler = (event) => {
    if (event.Records.some((record) => record.dynamodb!.Keys!.id!.S === 'p3')) throw new Error('bad record p3');
  };
  const { store, nextOutcome, close } = openStreams({
    stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 4, bisectBatchOnError: true, maxRetryAttempts: 0 }), invoker,
  });

  for (let id = 1; id <= 4; id++) insert(store, id);
  const types: string[] = [];
  while (!types.includes('abandoned')) types.push((await nextOutcome()).type);
  types.push((await nextOutcome()).type);
  await close();
  state.remove();

  // [p1..p4] fails and splits; [p1 p2] succeeds; [p3 p4] fails and splits; [p3] fails and is skipped; then [p4].
  assert.deepEqual(invoker.events.map((event) => event.Records.map((record) => record.dynamodb!.Keys!.id!.S)), [
    ['p1', 'p2', 'p3', 'p4'], ['p1', 'p2'], ['p3', 'p4'], ['p3'], ['p4'],
  ]);
  assert.deepEqual(types, ['retrying', 'succeeded', 'retrying', 'abandoned', 'succeeded']);
});

test('consumer resumes from its checkpoint after a restart', async () => {
  const state = tempStateDir();
  const app = appWithStream('KEYS_ONLY', { batchSize: 10 });

  const firstInvoker = new InProcessInvoker();
  const first = openStreams({ stateDir: state.dir, app, invoker: firstInvoker });
  insert(first.store, 1);
  assert.equal((await first.nextOutcome()).type, 'succeeded');
  await first.close();

  // Records appended while no consumer runs stay in the stream.
  const secondInvoker = new InProcessInvoker();
  const second = openStreams({ stateDir: state.dir, app, invoker: secondInvoker });
  insert(second.store, 2);
  assert.equal((await second.nextOutcome()).type, 'succeeded');
  await second.close();
  state.remove();

  assert.deepEqual(idsOf(firstInvoker), ['p1']);
  assert.deepEqual(idsOf(secondInvoker), ['p2']);
});

test('LATEST starts after the records already in the stream', async () => {
  const state = tempStateDir();

  const writer = openStreams({ stateDir: state.dir, app: appWithStream('KEYS_ONLY', { batchSize: 10 }), invoker: new InProcessInvoker() });
  insert(writer.store, 1);
  await writer.nextOutcome();
  await writer.close();

  // A new consumer id (another function name would do) starting at LATEST skips p1.
  const invoker = new InProcessInvoker();
  const app = appWithStream('KEYS_ONLY', { batchSize: 10, startingPosition: 'LATEST' });
  const renamed = { ...app, tables: app.tables.map((table) => table.stream ? { ...table, stream: { ...table.stream, consumers: table.stream.consumers.map((consumer) => ({ ...consumer, functionId: 'feed.latest' })) } } : table) };
  const latest = openStreams({ stateDir: state.dir, app: { ...renamed, functions: app.functions.map((fn) => ({ ...fn, id: 'feed.latest' })) }, invoker });
  insert(latest.store, 2);
  assert.equal((await latest.nextOutcome()).type, 'succeeded');
  await latest.close();
  state.remove();

  assert.deepEqual(idsOf(invoker), ['p2']);
});
