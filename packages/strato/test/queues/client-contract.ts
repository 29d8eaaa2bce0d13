/**
 * The behaviour of the queue client that every driver shares. Each driver's
 * test file runs it against fresh queues: standard queue `work` and FIFO
 * queue `orders` without content-based deduplication, named by the link
 * variables `STRATO_QUEUE_WORK` and `STRATO_QUEUE_ORDERS`.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { queue } from '../../src/client/index.ts';

export interface QueueTarget {
  setUp(t: TestContext): Promise<void> | void;
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected the call to fail');
}

export function defineQueueContract(target: QueueTarget): void {
  test('queue client sends and receives', async (t) => {
    await target.setUp(t);
    const work = queue('work');

    const sent = await work.send({ photoId: 'p1' }, { attributes: { priority: 5, source: 'upload', tag: new Uint8Array([1, 2, 3]) } });
    const [message] = await work.receive({ maxMessages: 10, waitSeconds: 1 });

    assert.ok(message);
    assert.equal(message.messageId, sent.messageId);
    assert.equal(message.body, '{"photoId":"p1"}');
    assert.equal(message.md5OfBody, sent.md5OfMessageBody);
    assert.equal(message.md5OfMessageAttributes, sent.md5OfMessageAttributes);
    assert.equal(message.attributes.ApproximateReceiveCount, '1');
    assert.deepEqual(message.messageAttributes.priority, { dataType: 'Number', stringValue: '5' });
    assert.deepEqual(message.messageAttributes.source, { dataType: 'String', stringValue: 'upload' });
    assert.equal(message.messageAttributes.tag?.dataType, 'Binary');
    assert.deepEqual([...message.messageAttributes.tag!.binaryValue!], [1, 2, 3]);
  });

  test('queue client deletes and changes visibility', async (t) => {
    await target.setUp(t);
    const work = queue('work');
    await work.send('first');

    const [received] = await work.receive({ waitSeconds: 1 });
    await work.changeVisibility(received!.receiptHandle, 0);
    const [again] = await work.receive({ waitSeconds: 1 });
    assert.equal(again?.messageId, received!.messageId);
    assert.equal(again?.attributes.ApproximateReceiveCount, '2');

    await work.delete(again!.receiptHandle);
    assert.deepEqual(await work.receive({ visibilityTimeout: 0 }), []);
  });

  test('queue client sends a batch', async (t) => {
    await target.setUp(t);
    const work = queue('work');

    const result = await work.sendBatch([{ body: 'a' }, { id: 'second', body: 'b' }]);

    assert.deepEqual(result.successful.map((entry) => entry.id).sort(), ['0', 'second']);
    assert.deepEqual(result.failed, []);
    const received = await work.receive({ maxMessages: 10, waitSeconds: 1 });
    const deleted = await work.deleteBatch(received.map((message) => message.receiptHandle));
    assert.equal(deleted.successful.length, received.length);
  });

  test('queue client keeps fifo order', async (t) => {
    await target.setUp(t);
    const orders = queue('orders');

    await orders.send('one', { groupId: 'g', deduplicationId: 'd1' });
    await orders.send('two', { groupId: 'g', deduplicationId: 'd2' });
    await orders.send('one', { groupId: 'g', deduplicationId: 'd1' });
    const received = await orders.receive({ maxMessages: 10, waitSeconds: 1 });

    assert.deepEqual(received.map((message) => message.body), ['one', 'two']);
    assert.match(received[0]!.attributes.SequenceNumber!, /^\d{20}$/);
  });
}
