/**
 * The clients with the AWS driver, through the real AWS SDK over HTTP to
 * moto, an AWS API emulator on 127.0.0.1. No channel is installed, so the
 * clients choose the AWS driver, as in a deployed function.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test, type TestContext } from 'node:test';

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

import { bucket } from '../../src/client/index.ts';
import { startMoto, type Moto } from '../support/moto.ts';
import { defineClientContract } from './contract.ts';

let moto: Moto;
let dynamodb: DynamoDBClient;
let s3: S3Client;

before(async () => {
  moto = await startMoto();
  // The variables Lambda sets, pointed at moto; the driver reads them when it is first used.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.clientConfig.region,
    AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
  });
  dynamodb = new DynamoDBClient(moto.clientConfig);
  s3 = new S3Client(moto.clientConfig);
});

after(async () => {
  dynamodb?.destroy();
  s3?.destroy();
  await moto?.stop();
});

/** Creates the contract's resources under new names and points the link variables at them. */
async function setUp(t: TestContext): Promise<void> {
  const suffix = randomUUID().slice(0, 8);
  const names = { photos: `photos-${suffix}`, scores: `scores-${suffix}`, originals: `originals-${suffix}` };

  await dynamodb.send(new CreateTableCommand({
    TableName: names.photos,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'owner', AttributeType: 'S' },
      { AttributeName: 'id', AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
    GlobalSecondaryIndexes: [{
      IndexName: 'by-status',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    }],
  }));
  await dynamodb.send(new CreateTableCommand({
    TableName: names.scores,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'game', AttributeType: 'S' }, { AttributeName: 'score', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'game', KeyType: 'HASH' }, { AttributeName: 'score', KeyType: 'RANGE' }],
  }));
  await s3.send(new CreateBucketCommand({ Bucket: names.originals }));

  process.env.STRATO_TABLE_PHOTOS = names.photos;
  process.env.STRATO_TABLE_SCORES = names.scores;
  process.env.STRATO_BUCKET_ORIGINALS = names.originals;
  t.after(() => {
    delete process.env.STRATO_TABLE_PHOTOS;
    delete process.env.STRATO_TABLE_SCORES;
    delete process.env.STRATO_BUCKET_ORIGINALS;
  });
}

defineClientContract({ setUp });

test('presigned URLs upload and download', async (t) => {
  await setUp(t);
  const originals = bucket('originals');

  const uploadUrl = await originals.presignPut('uploads/p1', { contentType: 'image/png', expiresIn: 60 });
  const upload = await fetch(uploadUrl, { method: 'PUT', body: 'png bytes', headers: { 'content-type': 'image/png' } });
  const download = await fetch(await originals.presignGet('uploads/p1'));

  // The content type is signed, and no checksum of an empty body rides along.
  assert.match(uploadUrl, /X-Amz-SignedHeaders=content-type%3Bhost/);
  assert.doesNotMatch(uploadUrl, /x-amz-checksum/i);
  assert.equal(upload.status, 200);
  assert.equal(download.status, 200);
  assert.equal(await download.text(), 'png bytes');
  assert.equal((await originals.head('uploads/p1'))?.contentType, 'image/png');
});
