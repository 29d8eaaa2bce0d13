import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_MESSAGE_BYTES } from '../../src/local/queues/index.ts';
import { openEngine, queueModel } from './helpers.ts';

const QUEUE = 'demo-jobs-work';

test('unknown queue fails with QueueDoesNotExist', async (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);

  assert.throws(() => engine.sendMessage('demo-jobs-missing', { body: 'x' }), (error: Error & { code?: string }) => {
    assert.equal(error.name, 'QueueDoesNotExist');
    // The query protocol's code, which older SDKs show.
    assert.equal(error.code, 'AWS.SimpleQueueService.NonExistentQueue');
    assert.match(error.message, /demo-jobs-missing/);
    return true;
  });
  await assert.rejects(engine.receiveMessage('demo-jobs-missing'), { name: 'QueueDoesNotExist' });
});

test('message over 256 KiB is rejected', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);

  // SQS's response: InvalidParameterValue, "One or more parameters are invalid.
  // Reason: Message must be shorter than 262144 bytes." (quoted in
  // https://github.com/getmoto/moto/issues/450 from a real response).
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'x'.repeat(MAX_MESSAGE_BYTES + 1) }), {
    name: 'InvalidParameterValue',
    message: 'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
  });
  assert.doesNotThrow(() => engine.sendMessage(QUEUE, { body: 'x'.repeat(MAX_MESSAGE_BYTES) }));
});

test('attributes count toward the size limit', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  const body = 'x'.repeat(MAX_MESSAGE_BYTES - 10);

  assert.throws(() => engine.sendMessage(QUEUE, { body, messageAttributes: { tag: { dataType: 'String', stringValue: 'abcdefgh' } } }), { name: 'InvalidParameterValue' });
});

test('multi-byte characters count as their UTF-8 bytes', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  // Each '☔' is 3 bytes in UTF-8.
  assert.throws(() => engine.sendMessage(QUEUE, { body: '☔'.repeat(MAX_MESSAGE_BYTES / 3 + 1) }), { name: 'InvalidParameterValue' });
});

test('empty body and invalid characters are rejected', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);

  assert.throws(() => engine.sendMessage(QUEUE, { body: '' }), { name: 'MissingParameter' });
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'bell \u0007' }), { name: 'InvalidMessageContents' });
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'lone \uD800 surrogate' }), { name: 'InvalidMessageContents' });
});

test('invalid message attributes are rejected', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  const send = (messageAttributes: Record<string, { dataType: string; stringValue?: string; binaryValue?: Uint8Array }>) =>
    () => engine.sendMessage(QUEUE, { body: 'x', messageAttributes });

  assert.throws(send({ 'AWS.reserved': { dataType: 'String', stringValue: 'v' } }), { name: 'InvalidParameterValue' });
  assert.throws(send({ 'a..b': { dataType: 'String', stringValue: 'v' } }), { name: 'InvalidParameterValue' });
  assert.throws(send({ kind: { dataType: 'Text', stringValue: 'v' } }), { name: 'InvalidParameterValue' });
  assert.throws(send({ count: { dataType: 'Number', stringValue: 'seven' } }), { name: 'InvalidParameterValue' });
  assert.throws(send({ empty: { dataType: 'String', stringValue: '' } }), { name: 'InvalidParameterValue' });
  assert.throws(send({ blob: { dataType: 'Binary' } }), { name: 'InvalidParameterValue' });
  const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { dataType: 'String', stringValue: 'v' }]));
  assert.throws(send(eleven), { name: 'InvalidParameterValue', message: /exceeds the allowed maximum \[10\]/ });
  assert.doesNotThrow(send({ count: { dataType: 'Number.int', stringValue: '-1.5e3' } }));
});

test('delay over 900 seconds is rejected', (t) => {
  const { engine } = openEngine(t, [queueModel('work')]);
  assert.throws(() => engine.sendMessage(QUEUE, { body: 'x', delaySeconds: 901 }), { name: 'InvalidParameterValue', message: /DelaySeconds/ });
});
