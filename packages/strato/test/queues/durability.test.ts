import assert from 'node:assert/strict';
import { test } from 'node:test';

import { QueueEngine } from '../../src/local/queues/index.ts';
import { TestClock, queueModel, queueWithDeadLetter, tempStateDir } from './helpers.ts';

const QUEUE = 'demo-jobs-work';

test('messages survive closing and reopening the engine', async (t) => {
  const stateDir = tempStateDir(t);
  const clock = new TestClock();
  const queues = [queueModel('work', { visibilityTimeoutSeconds: 30 })];

  const before = new QueueEngine({ stateDir, queues, now: clock.now });
  before.sendMessage(QUEUE, { body: 'waiting' });
  before.sendMessage(QUEUE, { body: 'in flight' });
  const [inFlight] = await before.receiveMessage(QUEUE);
  before.close();

  const after = new QueueEngine({ stateDir, queues, now: clock.now });
  t.after(() => after.close());

  const visibleNow = await after.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });
  assert.equal(visibleNow.length, 1);
  assert.notEqual(visibleNow[0]!.messageId, inFlight!.messageId);

  // The message in flight at the restart comes back when its timeout ends, with its receive count.
  clock.advance(30_000);
  const [redelivered] = await after.receiveMessage(QUEUE);
  assert.equal(redelivered?.messageId, inFlight!.messageId);
  assert.equal(redelivered?.attributes.ApproximateReceiveCount, '2');
});

test('fifo deduplication survives a restart', (t) => {
  const stateDir = tempStateDir(t);
  const queues = [queueModel('orders', { fifo: true })];
  const fifoQueue = 'demo-jobs-orders.fifo';

  const before = new QueueEngine({ stateDir, queues });
  before.sendMessage(fifoQueue, { body: 'x', messageGroupId: 'g', messageDeduplicationId: 'once' });
  before.close();

  const after = new QueueEngine({ stateDir, queues });
  t.after(() => after.close());
  after.sendMessage(fifoQueue, { body: 'x', messageGroupId: 'g', messageDeduplicationId: 'once' });
  assert.equal(after.counts(fifoQueue).visible, 1);
});

test('dead-letter messages survive a restart', async (t) => {
  const stateDir = tempStateDir(t);
  const clock = new TestClock();
  const queues = queueWithDeadLetter('work', 1, { visibilityTimeoutSeconds: 1 });

  const before = new QueueEngine({ stateDir, queues, now: clock.now });
  before.sendMessage(QUEUE, { body: 'poison' });
  await before.receiveMessage(QUEUE);
  clock.advance(1_000);
  await before.receiveMessage(QUEUE);
  before.close();

  const after = new QueueEngine({ stateDir, queues, now: clock.now });
  t.after(() => after.close());
  assert.equal(after.counts('demo-jobs-work-dlq').visible, 1);
});
