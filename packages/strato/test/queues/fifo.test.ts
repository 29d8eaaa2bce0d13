import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openEngine, queueModel } from './helpers.ts';

const QUEUE = 'demo-jobs-orders.fifo';

async function receiveBodies(engine: ReturnType<typeof openEngine>['engine'], max = 10) {
  const messages = await engine.receiveMessage(QUEUE, { maxNumberOfMessages: max });
  return { messages, bodies: messages.map((m) => m.body) };
}

test('fifo delivers a group in order, one batch at a time', async (t) => {
  const { engine } = openEngine(t, [queueModel('orders', { fifo: true, contentBasedDeduplication: true })]);
  for (const body of ['a1', 'a2', 'a3']) engine.sendMessage(QUEUE, { body, messageGroupId: 'a' });
  for (const body of ['b1', 'b2']) engine.sendMessage(QUEUE, { body, messageGroupId: 'b' });

  const first = await receiveBodies(engine, 2);
  assert.deepEqual(first.bodies, ['a1', 'a2']);

  // Group a has messages in flight, so only group b is delivered.
  const second = await receiveBodies(engine);
  assert.deepEqual(second.bodies, ['b1', 'b2']);
  assert.deepEqual((await receiveBodies(engine)).bodies, []);

  for (const message of first.messages) engine.deleteMessage(QUEUE, message.receiptHandle);
  assert.deepEqual((await receiveBodies(engine)).bodies, ['a3']);
});

test('fifo redelivers a failed group in its order', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('orders', { fifo: true, contentBasedDeduplication: true, visibilityTimeoutSeconds: 5 })]);
  for (const body of ['1', '2', '3']) engine.sendMessage(QUEUE, { body, messageGroupId: 'g' });

  const { messages } = await receiveBodies(engine, 1);
  clock.advance(5_000);
  assert.equal(messages[0]!.body, '1');
  const again = await receiveBodies(engine);
  assert.deepEqual(again.bodies, ['1', '2', '3']);
  assert.equal(again.messages[0]!.attributes.ApproximateReceiveCount, '2');
});

test('fifo attributes carry group, deduplication id and a 20-digit sequence number', async (t) => {
  const { engine } = openEngine(t, [queueModel('orders', { fifo: true })]);

  const first = engine.sendMessage(QUEUE, { body: 'x', messageGroupId: 'g', messageDeduplicationId: 'd1' });
  const second = engine.sendMessage(QUEUE, { body: 'y', messageGroupId: 'g', messageDeduplicationId: 'd2' });
  const [message] = (await receiveBodies(engine, 1)).messages;

  assert.match(first.sequenceNumber!, /^\d{20}$/);
  assert.ok(BigInt(second.sequenceNumber!) > BigInt(first.sequenceNumber!));
  assert.equal(message?.attributes.SequenceNumber, first.sequenceNumber);
  assert.equal(message?.attributes.MessageGroupId, 'g');
  assert.equal(message?.attributes.MessageDeduplicationId, 'd1');
});

test('fifo drops a duplicate within 5 minutes', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('orders', { fifo: true })]);

  const original = engine.sendMessage(QUEUE, { body: 'pay', messageGroupId: 'g', messageDeduplicationId: 'order-7' });
  const duplicate = engine.sendMessage(QUEUE, { body: 'pay', messageGroupId: 'g', messageDeduplicationId: 'order-7' });
  assert.equal(duplicate.messageId, original.messageId);
  assert.equal(engine.counts(QUEUE).visible, 1);

  clock.advance(5 * 60_000);
  engine.sendMessage(QUEUE, { body: 'pay', messageGroupId: 'g', messageDeduplicationId: 'order-7' });
  assert.equal(engine.counts(QUEUE).visible, 2);
});

test('content-based deduplication uses the body', (t) => {
  const { engine } = openEngine(t, [queueModel('orders', { fifo: true, contentBasedDeduplication: true })]);

  engine.sendMessage(QUEUE, { body: 'same', messageGroupId: 'g1' });
  engine.sendMessage(QUEUE, { body: 'same', messageGroupId: 'g2' });
  engine.sendMessage(QUEUE, { body: 'other', messageGroupId: 'g1' });

  assert.equal(engine.counts(QUEUE).visible, 2);
});

test('fifo content-based deduplication id is the SHA-256 of the body', async (t) => {
  const { engine } = openEngine(t, [queueModel('orders', { fifo: true, contentBasedDeduplication: true })]);
  engine.sendMessage(QUEUE, { body: 'abc', messageGroupId: 'g' });

  const [message] = (await receiveBodies(engine, 1)).messages;
  // SHA-256 of "abc", the FIPS 180-2 test vector.
  assert.equal(message?.attributes.MessageDeduplicationId, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('fifo send errors', (t) => {
  const { engine } = openEngine(t, [queueModel('orders', { fifo: true })]);

  assert.throws(() => engine.sendMessage(QUEUE, { body: 'x', messageDeduplicationId: 'd' }), { name: 'MissingParameter', message: /MessageGroupId/ });
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'x', messageGroupId: 'g' }), { name: 'InvalidParameterValue', message: /ContentBasedDeduplication/ });
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'x', messageGroupId: 'g', messageDeduplicationId: 'd', delaySeconds: 5 }), { name: 'InvalidParameterValue' });
});
