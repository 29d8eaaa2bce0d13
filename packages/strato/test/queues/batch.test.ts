import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_MESSAGE_BYTES } from '../../src/local/queues/index.ts';
import { openEngine, queueModel } from './helpers.ts';

const QUEUE = 'demo-jobs-work';

test('send batch returns a result per entry', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);

  const result = engine.sendMessageBatch(QUEUE, [
    { id: 'first', body: 'one' },
    { id: 'bad-delay', body: 'two', delaySeconds: 1000 },
    { id: 'third', body: 'three' },
  ]);

  assert.deepEqual(result.successful.map((entry) => entry.id), ['first', 'third']);
  assert.equal(result.failed.length, 1);
  assert.equal(result.failed[0]!.id, 'bad-delay');
  assert.equal(result.failed[0]!.code, 'InvalidParameterValue');
  assert.equal(result.failed[0]!.senderFault, true);
  const bodies = (await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 })).map((m) => m.body).sort();
  assert.deepEqual(bodies, ['one', 'three']);
});

test('send batch rejects bad batches as a whole', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  const entries = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `e${i}`, body: 'x' }));

  assert.throws(() => engine.sendMessageBatch(QUEUE, []), { name: 'EmptyBatchRequest' });
  assert.throws(() => engine.sendMessageBatch(QUEUE, entries(11)), { name: 'TooManyEntriesInBatchRequest' });
  assert.throws(() => engine.sendMessageBatch(QUEUE, [{ id: 'same', body: 'a' }, { id: 'same', body: 'b' }]), { name: 'BatchEntryIdsNotDistinct', message: 'Id same repeated.' });
  assert.throws(() => engine.sendMessageBatch(QUEUE, [{ id: 'has space', body: 'a' }]), { name: 'InvalidBatchEntryId' });
  assert.deepEqual(engine.counts(QUEUE), { visible: 0, inFlight: 0, delayed: 0 });
});

test('send batch over 256 KiB in total fails', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  const half = 'x'.repeat(MAX_MESSAGE_BYTES / 2 + 1);

  assert.throws(() => engine.sendMessageBatch(QUEUE, [{ id: 'a', body: half }, { id: 'b', body: half }]), {
    name: 'BatchRequestTooLong',
    message: `Batch requests cannot be longer than 262144 bytes. You have sent ${MAX_MESSAGE_BYTES + 2} bytes.`,
  });
  assert.equal(engine.counts(QUEUE).visible, 0);
});

test('delete batch reports each entry', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'a' });
  const [message] = await engine.receiveMessage(QUEUE);

  const result = engine.deleteMessageBatch(QUEUE, [
    { id: 'good', receiptHandle: message!.receiptHandle },
    { id: 'bad', receiptHandle: 'garbage' },
  ]);

  assert.deepEqual(result.successful, [{ id: 'good' }]);
  assert.equal(result.failed[0]!.code, 'ReceiptHandleIsInvalid');
  assert.equal(engine.counts(QUEUE).inFlight, 0);
});

test('change visibility batch reports each entry', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'a' });
  const [message] = await engine.receiveMessage(QUEUE);

  const result = engine.changeMessageVisibilityBatch(QUEUE, [
    { id: 'now', receiptHandle: message!.receiptHandle, visibilityTimeout: 0 },
    { id: 'bad', receiptHandle: 'garbage', visibilityTimeout: 0 },
  ]);

  assert.deepEqual(result.successful, [{ id: 'now' }]);
  assert.deepEqual(result.failed.map((entry) => entry.id), ['bad']);
  assert.equal(engine.counts(QUEUE).visible, 1);
});
