/**
 * The bus client with the AWS driver, through the real AWS SDK over HTTP to
 * moto, an AWS API emulator on 127.0.0.1. No channel is installed, so the
 * client chooses the AWS driver, as in a deployed function.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';

import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

import { bus } from '../../src/client/index.ts';
import { startMoto, type Moto } from '../support/moto.ts';

let moto: Moto;
let eventBridge: EventBridgeClient;
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
  eventBridge = new EventBridgeClient(moto.clientConfig);
  sqs = new SQSClient(moto.clientConfig);
});

after(async () => {
  eventBridge?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

test('publish puts the event on the linked bus', async () => {
  const busName = `demo-bus-${randomUUID().slice(0, 8)}`;
  process.env.STRATO_BUS = busName;
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));

  // A rule on the bus sends matching events to a queue, where the test reads them.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${busName}-inbox` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await eventBridge.send(new PutRuleCommand({ Name: 'ready', EventBusName: busName, EventPattern: JSON.stringify({ 'detail-type': ['PhotoReady'] }) }));
  await eventBridge.send(new PutTargetsCommand({ Rule: 'ready', EventBusName: busName, Targets: [{ Id: 'inbox', Arn: Attributes!.QueueArn! }] }));

  const events = bus();
  const eventId = await events.publish({ source: 'photo-sharing.photos', detailType: 'PhotoReady', detail: { id: 'p1', ready: true } });
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));

  assert.equal(events.name, busName);
  assert.equal(typeof eventId, 'string');
  assert.ok(eventId.length > 0);
  assert.equal(Messages?.length, 1);
  const received = JSON.parse(Messages![0]!.Body!);
  assert.equal(received.source, 'photo-sharing.photos');
  assert.equal(received['detail-type'], 'PhotoReady');
  assert.deepEqual(received.detail, { id: 'p1', ready: true });
});
