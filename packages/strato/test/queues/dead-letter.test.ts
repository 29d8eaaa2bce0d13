import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openEngine, queueWithDeadLetter } from './helpers.ts';

const QUEUE = 'demo-jobs-work';
const DEAD_LETTER_QUEUE = 'demo-jobs-work-dlq';

test('message moves to the dead-letter queue after maxReceiveCount receives', async (t) => {
  // SQS moves a message when a receive would exceed maxReceiveCount, not after the first failure.
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
  const { engine, clock } = openEngine(t, queueWithDeadLetter('work', 3, { visibilityTimeoutSeconds: 1 }));
  const sent = engine.sendMessage(QUEUE, { body: 'poison' });

  for (let receive = 1; receive <= 3; receive++) {
    const [message] = await engine.receiveMessage(QUEUE);
    assert.equal(message?.attributes.ApproximateReceiveCount, String(receive));
    clock.advance(1_000);
  }
  assert.deepEqual(await engine.receiveMessage(QUEUE), []);

  const [dead] = await engine.receiveMessage(DEAD_LETTER_QUEUE);
  assert.equal(dead?.messageId, sent.messageId);
  assert.equal(dead?.body, 'poison');
  assert.equal(dead?.attributes.DeadLetterQueueSourceArn, engine.queueArn(QUEUE));
});

test('redrive moves messages back to the source queue', async (t) => {
  const { engine, clock } = openEngine(t, queueWithDeadLetter('work', 1, { visibilityTimeoutSeconds: 1 }));
  engine.sendMessage(QUEUE, { body: 'a' });
  engine.sendMessage(QUEUE, { body: 'b' });
  await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });
  clock.advance(1_000);
  await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });
  assert.equal(engine.counts(DEAD_LETTER_QUEUE).visible, 2);

  const { taskHandle } = engine.startMessageMoveTask({ sourceArn: engine.queueArn(DEAD_LETTER_QUEUE) });

  assert.equal(engine.counts(DEAD_LETTER_QUEUE).visible, 0);
  const messages = await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });
  assert.deepEqual(messages.map((m) => m.body).sort(), ['a', 'b']);
  assert.ok(messages.every((m) => m.attributes.ApproximateReceiveCount === '1'));
  const [task] = engine.listMessageMoveTasks(engine.queueArn(DEAD_LETTER_QUEUE));
  assert.equal(task?.taskHandle, taskHandle);
  assert.equal(task?.approximateNumberOfMessagesMoved, 2);
});

test('redrive from a queue that is not a dead-letter queue fails', (t) => {
  const { engine } = openEngine(t, queueWithDeadLetter('work', 1));

  assert.throws(() => engine.startMessageMoveTask({ sourceArn: engine.queueArn(QUEUE) }), { name: 'InvalidParameterValue' });
  assert.throws(() => engine.startMessageMoveTask({ sourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope' }), { name: 'ResourceNotFoundException' });
});
