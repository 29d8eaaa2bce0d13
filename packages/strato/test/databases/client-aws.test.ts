/**
 * The database client with the AWS driver, through the real RDS Data client
 * over HTTP to moto on 127.0.0.1. moto runs no SQL: it returns the results
 * queued through its `/moto-api/static/rds-data/statement-results` endpoint,
 * so these tests check the driver's requests and its reading of the
 * responses, not statements.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { database } from '../../src/client/index.ts';
import { startMoto, type Moto } from '../support/moto.ts';
import { rejectionOf } from './helpers.ts';

let moto: Moto;

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: moto.clientConfig.region,
    AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
    // The value the deployment gives a function that links database `stats`.
    STRATO_DATABASE_STATS: JSON.stringify({
      clusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:photo-sharing-activity-stats',
      secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:stats-AbCdEf',
      database: 'stats',
    }),
  });
});

after(async () => {
  await moto?.stop();
});

async function queueResult(result: object): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/rds-data/statement-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'us-east-1', results: [result] }),
  });
  assert.equal(response.status, 201);
}

test('query reads formatted records', async () => {
  const rows = [{ photo_id: 'p1', views: 3, likes: 1 }];
  await queueResult({ formattedRecords: JSON.stringify(rows), numberOfRecordsUpdated: 0 });

  const output = await database('stats').query('SELECT photo_id, views, likes FROM photo_counts WHERE photo_id = $1', ['p1']);

  assert.deepEqual(output.rows, rows);
  assert.equal(output.rowCount, 1);
});

test('write counts updated records', async () => {
  await queueResult({ numberOfRecordsUpdated: 2 });

  const output = await database('stats').query('UPDATE photo_counts SET views = views + 1 WHERE photo_id IN ($1, $2)', ['a', 'b']);

  assert.deepEqual(output.rows, []);
  assert.equal(output.rowCount, 2);
});

test('unlinked database names the fix', async () => {
  const error = await rejectionOf(database('unlinked').query('SELECT 1'));

  assert.equal(error.name, 'BadRequestException');
  assert.match(error.message, /must carry \{"clusterArn","secretArn","database"\} as JSON/);
});
