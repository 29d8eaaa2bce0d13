/**
 * The stream client with the AWS driver, through the real AWS SDK over HTTP
 * to moto on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { after, before, type TestContext } from 'node:test';

import { CreateStreamCommand, KinesisClient, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

import { startMoto, type Moto } from '../support/moto.ts';
import { defineStreamContract } from './client-contract.ts';

let moto: Moto;
let kinesis: KinesisClient;

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.clientConfig.region,
    AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
  });
  // moto serves HTTP/1.1 only, and the Kinesis client defaults to HTTP/2.
  kinesis = new KinesisClient({ ...moto.clientConfig, requestHandler: new NodeHttpHandler() });
});

after(async () => {
  kinesis?.destroy();
  await moto?.stop();
});

async function setUp(t: TestContext): Promise<void> {
  const name = `events-${randomUUID().slice(0, 8)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30, minDelay: 1 }, { StreamName: name });

  process.env.STRATO_STREAM_EVENTS = name;
  t.after(() => {
    delete process.env.STRATO_STREAM_EVENTS;
  });
}

defineStreamContract({ setUp });
