/**
 * The queue client with the local driver, over a channel to the real router
 * and queue engine, plus the checks only the local cloud makes: access denied
 * for an unlinked queue, and the sender's identity.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { queue } from '../../src/client/index.ts';
import { BucketStore } from '../../src/local/buckets/index.ts';
import { QueueEngine, createQueueHandler } from '../../src/local/queues/index.ts';
import { createResourceRouter } from '../../src/local/router/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { FIXTURE_ROOT } from '../client/app-fixture.ts';
import { installChannel } from '../client/channel-fixture.ts';
import { defineQueueContract, rejectionOf } from './client-contract.ts';

// Installed before the first client call, because the driver is chosen once per process.
const channel = installChannel();

const app = resolveApp({
  name: 'demo',
  services: {
    jobs: {
      functions: {
        producer: { handler: 'handlers/noop.handler', links: ['work', 'orders'] },
        outsider: { handler: 'handlers/noop.handler', links: [] },
      },
      queues: { work: { visibilityTimeout: 30 }, orders: { fifo: true } },
    },
  },
}, FIXTURE_ROOT);

function setUp(t: TestContext, functionId = 'jobs.producer'): QueueEngine {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-queue-client-'));
  const queues = new QueueEngine({ stateDir, queues: app.queues });
  const tables = createTableStore({ stateDir, tables: [] });
  const buckets = new BucketStore({ stateDir, buckets: [] });
  channel.useRouter(createResourceRouter({ app, buckets, tables, handlers: { queue: createQueueHandler(queues) } }), app);
  channel.actAs(functionId);
  t.after(() => {
    queues.close();
    tables.close();
    buckets.close();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return queues;
}

defineQueueContract({ setUp: (t) => void setUp(t) });

test('queue client names the linked queue', (t) => {
  setUp(t);
  assert.equal(queue('work').name, 'demo-jobs-work');
  assert.equal(queue('orders').name, 'demo-jobs-orders.fifo');
});

test('unlinked queue is access denied', async (t) => {
  setUp(t, 'jobs.outsider');

  const error = await rejectionOf(queue('work').send('hello'));

  assert.equal(error.name, 'AccessDenied');
  assert.match(error.message, /is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:work/);
});

test('sender id is the calling function role session', async (t) => {
  const queues = setUp(t);

  await queue('work').send('from producer');
  const [message] = await queues.receiveMessage('demo-jobs-work');

  assert.equal(message?.attributes.SenderId, 'AROASTRATOLOCALROLE:demo-jobs-producer');
});

test('oversized message keeps the SQS error', async (t) => {
  // NOTE: the local limit is the 256 KiB that SQS enforced until 2025; moto
  // and newer SQS queues accept messages up to 1 MiB, so the AWS contract does not check it.
  setUp(t);

  const error = await rejectionOf(queue('work').send('x'.repeat(262_145)));

  assert.equal(error.name, 'InvalidParameterValue');
  assert.match(error.message, /Message must be shorter than 262144 bytes/);
});
