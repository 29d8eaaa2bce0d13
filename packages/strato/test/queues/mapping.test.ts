import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { QueueMapping } from '../../src/local/mappings/index.ts';
import { QueueEngine } from '../../src/local/queues/index.ts';
import type { QueueModel } from '../../src/model/index.ts';
import { ServiceError } from '../../src/runtime/types.ts';
import { queueModel, queueWithDeadLetter, tempStateDir } from './helpers.ts';
import { InProcessInvoker, testFunction, type TestHandler } from './in-process-invoker.ts';

const QUEUE = 'demo-jobs-work';
const SAMPLES = path.join(import.meta.dirname, '../../../../../shared/samples/events');

type Consumer = NonNullable<QueueModel['consumer']>;

function startMapping(t: { after(fn: () => unknown): void }, queues: QueueModel[], handler: TestHandler, consumer: Partial<Consumer> = {}) {
  const engine = new QueueEngine({ stateDir: tempStateDir(t), queues });
  const invoker = new InProcessInvoker(handler);
  const fn = testFunction('worker');
  const queue = { ...queues[0]!, consumer: { functionId: fn.id, batchSize: 10, maxBatchingWindowSeconds: 0, reportBatchItemFailures: false, ...consumer } };
  const mapping = new QueueMapping({ queues: engine, queue, fn, invoker, region: 'us-east-1' });
  t.after(async () => {
    await mapping.stop();
    engine.close();
  });
  return { engine, invoker, mapping };
}

test('mapping delivers an SQSEvent shaped as the sample', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work')], () => undefined);
  engine.sendMessage(QUEUE, {
    body: '{"stationId":"ws-0412"}',
    messageAttributes: {
      stationRegion: { dataType: 'String', stringValue: 'north-coast' },
      batteryPct: { dataType: 'Number', stringValue: '87' },
      checksum: { dataType: 'Binary', binaryValue: Buffer.from('XgqRxw==', 'base64') },
    },
  }, { senderId: 'AROAEXAMPLE:gateway', traceHeader: 'Root=1-6a467106-9c1e3a5b7d9f1b3d5e7a9c1e' });
  engine.sendMessage(QUEUE, { body: 'plain' });
  mapping.start();
  await invoker.calls(1);

  const sample = JSON.parse(readFileSync(path.join(SAMPLES, 'sqs.json'), 'utf8'));
  const records = invoker.events.flatMap((event) => event.Records);
  const [withAttributes, plain] = [records.find((r) => r.body !== 'plain'), records.find((r) => r.body === 'plain')];
  // Same keys in the same order as the sample, for records with and without attributes.
  assert.deepEqual(Object.keys(withAttributes), Object.keys(sample.Records[0]));
  assert.deepEqual(Object.keys(withAttributes.attributes), Object.keys(sample.Records[0].attributes));
  assert.deepEqual(withAttributes.messageAttributes, sample.Records[0].messageAttributes);
  assert.equal(withAttributes.md5OfMessageAttributes, sample.Records[0].md5OfMessageAttributes);
  assert.equal(withAttributes.eventSource, 'aws:sqs');
  assert.equal(withAttributes.eventSourceARN, 'arn:aws:sqs:us-east-1:000000000000:demo-jobs-work');
  assert.equal(withAttributes.awsRegion, 'us-east-1');
  assert.equal(withAttributes.attributes.SenderId, 'AROAEXAMPLE:gateway');
  assert.deepEqual(Object.keys(plain.attributes), Object.keys(sample.Records[1].attributes));
  assert.equal(plain.md5OfMessageAttributes, null);
  assert.deepEqual(plain.messageAttributes, {});
  for (const value of Object.values(withAttributes.attributes)) assert.equal(typeof value, 'string');
});

test('mapping deletes a successful batch', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work')], () => ({}));
  for (let i = 0; i < 3; i++) engine.sendMessage(QUEUE, { body: `m${i}` });
  mapping.start();
  await invoker.calls(1);

  assert.deepEqual(engine.counts(QUEUE), { visible: 0, inFlight: 0, delayed: 0 });
  assert.equal(mapping.stats().messagesDeleted, 3);
});

test('failed batch returns after the visibility timeout', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })], (_event, call) => {
    if (call === 1) throw new Error('first try fails');
  });
  engine.sendMessage(QUEUE, { body: 'retry me' });
  mapping.start();
  await invoker.calls(2);

  assert.deepEqual(invoker.events.map((event) => event.Records[0].attributes.ApproximateReceiveCount), ['1', '2']);
  assert.equal(engine.counts(QUEUE).inFlight, 0);
  assert.equal(mapping.stats().failedInvocations, 1);
});

test('partial batch response returns only the listed messages', async (t) => {
  const failFirst = (event: any, call: number) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] } : {});
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })], failFirst, { reportBatchItemFailures: true });
  engine.sendMessageBatch(QUEUE, [{ id: 'a', body: 'a' }, { id: 'b', body: 'b' }, { id: 'c', body: 'c' }]);
  mapping.start();
  await invoker.calls(1);

  assert.equal(invoker.events[0].Records.length, 3);
  assert.equal(engine.counts(QUEUE).inFlight, 1, 'only the listed message waits for its visibility timeout');
  await invoker.calls(2);
  assert.deepEqual(invoker.events[1].Records.map((r: any) => r.messageId), [invoker.events[0].Records[0].messageId]);
});

test('invalid partial batch response fails the whole batch', async (t) => {
  const badResponse = (_event: any, call: number) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : { batchItemFailures: [] });
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })], badResponse, { reportBatchItemFailures: true });
  engine.sendMessageBatch(QUEUE, [{ id: 'a', body: 'a' }, { id: 'b', body: 'b' }]);
  mapping.start();
  await invoker.calls(1);

  assert.equal(engine.counts(QUEUE).inFlight, 2);
  await invoker.calls(2);
  assert.equal(invoker.events[1].Records.length, 2);
  assert.deepEqual(engine.counts(QUEUE), { visible: 0, inFlight: 0, delayed: 0 });
});

test('failing message reaches the dead-letter queue', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, queueWithDeadLetter('work', 2, { visibilityTimeoutSeconds: 1 }), () => {
    throw new Error('always fails');
  });
  engine.sendMessage(QUEUE, { body: 'poison' });
  mapping.start();
  await invoker.calls(2);

  const [dead] = await engine.receiveMessage('demo-jobs-work-dlq', { waitTimeSeconds: 5 });
  assert.equal(dead?.body, 'poison');
  assert.equal(invoker.events.length, 2);
});

test('batching window gathers a batch', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work')], () => ({}), { batchSize: 5, maxBatchingWindowSeconds: 2 });
  mapping.start();
  engine.sendMessage(QUEUE, { body: 'first' });
  setTimeout(() => {
    for (let i = 0; i < 4; i++) engine.sendMessage(QUEUE, { body: `later ${i}` });
  }, 50);
  await invoker.calls(1);

  assert.equal(invoker.events[0].Records.length, 5);
});

test('fifo mapping keeps group order', async (t) => {
  const fifo = queueModel('orders', { fifo: true, contentBasedDeduplication: true });
  const { engine, invoker, mapping } = startMapping(t, [fifo], () => ({}), { batchSize: 2 });
  for (let i = 0; i < 6; i++) engine.sendMessage(fifo.physicalName, { body: `step ${i}`, messageGroupId: 'order-1' });
  mapping.start();
  await invoker.calls(3);

  const bodies = invoker.events.flatMap((event) => event.Records.map((r: any) => r.body));
  assert.deepEqual(bodies, ['step 0', 'step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
  const sample = JSON.parse(readFileSync(path.join(SAMPLES, 'sqs-fifo.json'), 'utf8'));
  assert.deepEqual(Object.keys(invoker.events[0].Records[0].attributes), Object.keys(sample.Records[0].attributes));
});

test('throttled batch is delivered later', async (t) => {
  const { engine, invoker, mapping } = startMapping(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })], (_event, call) => {
    if (call === 1) throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
  });
  engine.sendMessage(QUEUE, { body: 'busy' });
  mapping.start();
  await invoker.calls(2);

  assert.equal(mapping.stats().throttles, 1);
  assert.equal(invoker.events[1].Records[0].body, 'busy');
  // A throttled receive still counts, as on AWS, where throttles can send messages to the dead-letter queue.
  assert.equal(invoker.events[1].Records[0].attributes.ApproximateReceiveCount, '2');
});
