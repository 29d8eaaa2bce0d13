/**
 * The queue client with the AWS driver, through the real AWS SDK over HTTP to
 * moto on 127.0.0.1. No channel is installed, so the client chooses the AWS
 * driver, as in a deployed function.
 */
import { randomUUID } from 'node:crypto';
import { after, before, type TestContext } from 'node:test';

import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';

import { startMoto, type Moto } from '../support/moto.ts';
import { defineQueueContract } from './client-contract.ts';

let moto: Moto;
let sqs: SQSClient;

before(async () => {
  moto = await startMoto();
  // The variables Lambda sets, pointed at moto; the driver reads them when it is first used.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.clientConfig.region,
    AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
  });
  sqs = new SQSClient(moto.clientConfig);
});

after(async () => {
  sqs?.destroy();
  await moto?.stop();
});

async function setUp(t: TestContext): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const work = `work-${suffix}`;
  const orders = `orders-${suffix}.fifo`;
  await sqs.send(new CreateQueueCommand({ QueueName: work }));
  await sqs.send(new CreateQueueCommand({ QueueName: orders, Attributes: { FifoQueue: 'true' } }));

  process.env.STRATO_QUEUE_WORK = work;
  process.env.STRATO_QUEUE_ORDERS = orders;
  t.after(() => {
    delete process.env.STRATO_QUEUE_WORK;
    delete process.env.STRATO_QUEUE_ORDERS;
  });
}

defineQueueContract({ setUp });
