import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { BUS_DETAIL_TYPES, createLocalDestinationSink, destinationRecord } from '../../src/local/async/index.ts';
import { EventBus, type BusEvent } from '../../src/local/bus/index.ts';
import { QueueEngine } from '../../src/local/queues/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { tempStateDir } from './helpers.ts';

const app = resolveApp({
  name: 'demo',
  services: {
    jobs: {
      functions: {
        rollup: { handler: 'uploads.onUpload' },
        alarm: { handler: 'uploads.onUpload' },
      },
      queues: { failures: {}, ordered: { fifo: true } },
      rules: { 'rollup-failed': { pattern: { source: ['lambda'] }, targets: [{ function: 'alarm' }] } },
    },
  },
}, path.join(import.meta.dirname, 'fixtures/handlers'));

const getQueue = (id: string) => app.queues.find((queue) => queue.id === id);

const record = destinationRecord({
  requestId: 'req-1',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:demo-jobs-rollup:$LATEST',
  condition: 'RetriesExhausted',
  attempts: 3,
  requestPayload: { day: '2026-07-01' },
  error: { errorType: 'Error', errorMessage: 'boom' },
  now: new Date('2026-07-02T14:24:06.874Z'),
});

test('queue destination gets the record as body', async (t) => {
  const queues = new QueueEngine({ stateDir: tempStateDir(t), queues: app.queues });
  t.after(() => queues.close());
  const sink = createLocalDestinationSink({ getQueue, queues });

  await sink.send({ kind: 'queue', queueId: 'jobs.failures' }, record);
  const [message] = await queues.receiveMessage(getQueue('jobs.failures')!.physicalName);

  // To SQS the record is the message body (Lambda Developer Guide, Capturing records of asynchronous invocations).
  assert.deepEqual(JSON.parse(message!.body), record);
});

test('FIFO and unknown queues are rejected', async (t) => {
  const queues = new QueueEngine({ stateDir: tempStateDir(t), queues: app.queues });
  t.after(() => queues.close());
  const sink = createLocalDestinationSink({ getQueue, queues });

  // Lambda counts a FIFO destination as a delivery failure (same guide).
  await assert.rejects(sink.send({ kind: 'queue', queueId: 'jobs.ordered' }, record), /FIFO/);
  await assert.rejects(sink.send({ kind: 'queue', queueId: 'jobs.missing' }, record), /does not exist/);
});

test('bus destination gets the record as detail', async (t) => {
  const delivered: BusEvent[] = [];
  let notify: () => void = () => {};
  const arrived = new Promise<void>((resolve) => { notify = resolve; });
  const bus = new EventBus({
    stateDir: tempStateDir(t),
    app,
    targets: {
      invokeFunction: async (_functionId, event) => { delivered.push(event); notify(); },
      sendToQueue: async () => {},
    },
  });
  t.after(() => bus.close());
  const sink = createLocalDestinationSink({ getQueue, bus });

  await sink.send({ kind: 'bus' }, record);
  await arrived;

  // To EventBridge the record is the detail, with source "lambda" (same guide).
  assert.equal(delivered[0]!.source, 'lambda');
  assert.equal(delivered[0]!['detail-type'], BUS_DETAIL_TYPES.Failure);
  assert.deepEqual(delivered[0]!.detail, record);
});
