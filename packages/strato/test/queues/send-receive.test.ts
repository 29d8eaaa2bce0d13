import assert from 'node:assert/strict';
import { test } from 'node:test';

import { md5OfMessageAttributes } from '../../src/local/queues/index.ts';
import { openEngine, queueModel } from './helpers.ts';

const QUEUE = 'demo-jobs-work';

test('send then receive returns the body, checksums and attributes', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work')]);

  const sent = engine.sendMessage(QUEUE, { body: 'hello', messageAttributes: { kind: { dataType: 'String', stringValue: 'greeting' } } }, { senderId: 'AROAEXAMPLE:sender' });
  const [message] = await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });

  assert.ok(message);
  assert.equal(message.messageId, sent.messageId);
  assert.equal(message.body, 'hello');
  // MD5 of the UTF-8 body, as SQS returns it.
  assert.equal(message.md5OfBody, '5d41402abc4b2a76b9719d911017c592');
  assert.equal(sent.md5OfMessageBody, '5d41402abc4b2a76b9719d911017c592');
  assert.equal(message.md5OfMessageAttributes, sent.md5OfMessageAttributes);
  assert.deepEqual(message.messageAttributes, { kind: { dataType: 'String', stringValue: 'greeting' } });
  assert.equal(message.attributes.ApproximateReceiveCount, '1');
  assert.equal(message.attributes.SentTimestamp, String(clock.time));
  assert.equal(message.attributes.ApproximateFirstReceiveTimestamp, String(clock.time));
  assert.equal(message.attributes.SenderId, 'AROAEXAMPLE:sender');
});

test('md5 of message attributes matches the SQS documentation example', () => {
  // The SQS documentation's example attributes give this digest, the value AWS returns for them.
  const digest = md5OfMessageAttributes({
    Author: { dataType: 'String', stringValue: 'John Grisham' },
    Title: { dataType: 'String', stringValue: 'The Whistler' },
    WeeksOn: { dataType: 'Number', stringValue: '6' },
  });
  assert.equal(digest, 'd25a6aea97eb8f585bfa92d314504a92');
});

test('md5 of binary attributes matches the sqs.json sample', () => {
  // The first record of sqs.json was computed with the same procedure.
  const digest = md5OfMessageAttributes({
    stationRegion: { dataType: 'String', stringValue: 'north-coast' },
    batteryPct: { dataType: 'Number', stringValue: '87' },
    checksum: { dataType: 'Binary', binaryValue: Buffer.from('XgqRxw==', 'base64') },
  });
  assert.equal(digest, '2b80c932c6b1b2fb1d142c046d59385b');
  assert.equal(md5OfMessageAttributes({}), undefined);
});

test('received message stays hidden for the visibility timeout', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { visibilityTimeoutSeconds: 30 })]);
  engine.sendMessage(QUEUE, { body: 'once' });

  assert.equal((await engine.receiveMessage(QUEUE)).length, 1);
  clock.advance(29_999);
  assert.equal((await engine.receiveMessage(QUEUE)).length, 0);
  clock.advance(1);
  const [again] = await engine.receiveMessage(QUEUE);
  assert.equal(again?.attributes.ApproximateReceiveCount, '2');
});

test('receive visibility timeout overrides the queue setting', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { visibilityTimeoutSeconds: 30 })]);
  engine.sendMessage(QUEUE, { body: 'once' });

  await engine.receiveMessage(QUEUE, { visibilityTimeout: 5 });
  clock.advance(5_000);
  assert.equal((await engine.receiveMessage(QUEUE)).length, 1);
});

test('delete removes the message for good', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'done' });

  const [message] = await engine.receiveMessage(QUEUE);
  engine.deleteMessage(QUEUE, message!.receiptHandle);
  clock.advance(60_000);

  assert.deepEqual(await engine.receiveMessage(QUEUE), []);
  assert.deepEqual(engine.counts(QUEUE), { visible: 0, inFlight: 0, delayed: 0 });
});

test('stale receipt handle succeeds without deleting', async (t) => {
  // DeleteMessage: "you must provide the most recently received ReceiptHandle for
  // the message (otherwise, the request succeeds, but the message will not be deleted)".
  const { engine, clock } = openEngine(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })]);
  engine.sendMessage(QUEUE, { body: 'twice' });

  const [first] = await engine.receiveMessage(QUEUE);
  clock.advance(1_000);
  const [second] = await engine.receiveMessage(QUEUE);
  assert.notEqual(first!.receiptHandle, second!.receiptHandle);

  engine.deleteMessage(QUEUE, first!.receiptHandle);
  assert.equal(engine.counts(QUEUE).inFlight, 1);
  engine.deleteMessage(QUEUE, second!.receiptHandle);
  assert.equal(engine.counts(QUEUE).inFlight, 0);
});

test('malformed receipt handle is rejected', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  assert.throws(() => engine.deleteMessage(QUEUE, 'not-a-handle'), { name: 'ReceiptHandleIsInvalid' });
});

test('change visibility makes a message visible at once', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'retry me' });

  const [message] = await engine.receiveMessage(QUEUE);
  engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 0);
  const [again] = await engine.receiveMessage(QUEUE);

  assert.equal(again?.messageId, message!.messageId);
});

test('change visibility extends the timeout', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { visibilityTimeoutSeconds: 10 })]);
  engine.sendMessage(QUEUE, { body: 'slow' });

  const [message] = await engine.receiveMessage(QUEUE);
  engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 100);
  clock.advance(10_000);
  assert.equal((await engine.receiveMessage(QUEUE)).length, 0);
  clock.advance(90_000);
  assert.equal((await engine.receiveMessage(QUEUE)).length, 1);
});

test('change visibility of an expired receive fails', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { visibilityTimeoutSeconds: 1 })]);
  engine.sendMessage(QUEUE, { body: 'late' });

  const [message] = await engine.receiveMessage(QUEUE);
  clock.advance(1_000);
  assert.throws(() => engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 30), { name: 'MessageNotInflight' });
  assert.throws(() => engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 43_201), { name: 'InvalidParameterValue' });
});

test('visibility stays within 12 hours of the receive', async (t) => {
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
  const { engine, clock } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'long job' });

  const [message] = await engine.receiveMessage(QUEUE, { visibilityTimeout: 7_200 });
  clock.advance(3_600_000);
  assert.throws(() => engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 43_200), {
    name: 'InvalidParameterValue',
    message: /Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]/,
  });
  assert.doesNotThrow(() => engine.changeMessageVisibility(QUEUE, message!.receiptHandle, 39_600));
});

test('delivery delay of the queue and of a message', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { deliveryDelaySeconds: 10 })]);
  engine.sendMessage(QUEUE, { body: 'queue delay' });
  engine.sendMessage(QUEUE, { body: 'own delay', delaySeconds: 60 });
  engine.sendMessage(QUEUE, { body: 'no delay', delaySeconds: 0 });
  const receiveAndDelete = async () => {
    const messages = await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 });
    for (const message of messages) engine.deleteMessage(QUEUE, message.receiptHandle);
    return messages.map((m) => m.body);
  };

  assert.deepEqual(await receiveAndDelete(), ['no delay']);
  assert.equal(engine.counts(QUEUE).delayed, 2);
  clock.advance(10_000);
  assert.deepEqual(await receiveAndDelete(), ['queue delay']);
  clock.advance(50_000);
  assert.deepEqual(await receiveAndDelete(), ['own delay']);
});

test('receive returns at most the requested count', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  for (let i = 0; i < 15; i++) engine.sendMessage(QUEUE, { body: `m${i}` });

  assert.equal((await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 })).length, 10);
  assert.equal((await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 })).length, 5);
  await assert.rejects(engine.receiveMessage(QUEUE, { maxNumberOfMessages: 11 }), { name: 'InvalidParameterValue' });
  await assert.rejects(engine.receiveMessage(QUEUE, { waitTimeSeconds: 21 }), { name: 'InvalidParameterValue' });
});

test('long poll resolves when a message arrives', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);

  const polling = engine.receiveMessage(QUEUE, { waitTimeSeconds: 20 });
  setImmediate(() => engine.sendMessage(QUEUE, { body: 'arrived' }));

  const messages = await polling;
  assert.deepEqual(messages.map((m) => m.body), ['arrived']);
});

test('long poll ends empty when aborted', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  const controller = new AbortController();

  const polling = engine.receiveMessage(QUEUE, { waitTimeSeconds: 20, signal: controller.signal });
  setImmediate(() => controller.abort());

  assert.deepEqual(await polling, []);
});

test('retention deletes old messages', async (t) => {
  const { engine, clock } = openEngine(t, [queueModel('work', { retentionSeconds: 60 })]);
  engine.sendMessage(QUEUE, { body: 'old' });
  clock.advance(30_000);
  engine.sendMessage(QUEUE, { body: 'young' });
  clock.advance(30_000);

  assert.deepEqual((await engine.receiveMessage(QUEUE, { maxNumberOfMessages: 10 })).map((m) => m.body), ['young']);
});

test('purge queue deletes every message', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  engine.sendMessage(QUEUE, { body: 'a' });
  engine.sendMessage(QUEUE, { body: 'b' });

  engine.purgeQueue(QUEUE);
  assert.deepEqual(await engine.receiveMessage(QUEUE), []);
});
