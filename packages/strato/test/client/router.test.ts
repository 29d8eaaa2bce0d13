import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createResourceRouter } from '../../src/local/router/index.ts';
import { createLogger } from '../../src/observe/logger.ts';
import type { ResourceCall } from '../../src/runtime/channel.ts';
import { openLocalStores } from './app-fixture.ts';

let nextCallId = 1;
const call = (kind: ResourceCall['kind'], resource: string, op: string, input: unknown): ResourceCall =>
  ({ id: nextCallId++, kind, resource, op, input });

/** Returns the error a promise rejects with, failing the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail('expected the call to fail');
}

test('linked table serves the caller', async (t) => {
  const { router } = openLocalStores(t);

  await router.handle('photos.writer', call('table', 'demo-photos-photos', 'put', { item: { owner: 'o', id: 'p1' } }));
  const output = await router.handle('photos.reader', call('table', 'demo-photos-photos', 'get', { key: { owner: 'o', id: 'p1' } }));

  assert.deepEqual(output, { item: { owner: 'o', id: 'p1' } });
});

test('unlinked table gets AccessDeniedException', async (t) => {
  const { router } = openLocalStores(t);

  const error = await rejectionOf(router.handle('photos.reader', call('table', 'demo-photos-scores', 'put', { item: { game: 'g', score: 1 } })));

  // DynamoDB's message names the role session, the action and the table ARN.
  assert.equal(error.name, 'AccessDeniedException');
  assert.equal(
    error.message,
    'User: arn:aws:sts::000000000000:assumed-role/demo-photos-reader-role/demo-photos-reader is not authorized to perform: '
      + 'dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/demo-photos-scores '
      + 'because no identity-based policy allows the dynamodb:PutItem action',
  );
});

test('denied call logs the fix', async (t) => {
  const lines: string[] = [];
  const { app, buckets, tables } = openLocalStores(t);
  const router = createResourceRouter({ app, buckets, tables, logger: createLogger({ sink: (line) => lines.push(line) }) });

  await rejectionOf(router.handle('photos.reader', call('table', 'demo-photos-scores', 'get', { key: { game: 'g', score: 1 } })));

  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /Function "photos\.reader" called dynamodb:GetItem on table "demo-photos-scores"/);
  assert.match(lines[0]!, /add the table to `links` of services\.photos\.functions\.reader/);
});

test('denied write leaves the table unchanged', async (t) => {
  const { router } = openLocalStores(t);

  await rejectionOf(router.handle('photos.reader', call('table', 'demo-photos-scores', 'put', { item: { game: 'g', score: 1 } })));
  const page = await router.handle('photos.writer', call('table', 'demo-photos-scores', 'query', { partition: 'g' }));

  assert.deepEqual(page, { items: [] });
});

test('another service table is denied', async (t) => {
  const { router } = openLocalStores(t);

  const error = await rejectionOf(router.handle('photos.writer', call('table', 'demo-users-profiles', 'query', { partition: 'u1' })));

  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/demo-users-profiles /);
});

test('denied index query names the index', async (t) => {
  const { router } = openLocalStores(t);

  const error = await rejectionOf(router.handle('photos.reader', call('table', 'demo-photos-scores', 'query', { index: 'by-player', partition: 'ada' })));

  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/demo-photos-scores\/index\/by-player /);
});

test('unlinked bucket gets AccessDenied', async (t) => {
  const { router } = openLocalStores(t);

  const error = await rejectionOf(router.handle('photos.writer', call('bucket', 'demo-photos-private', 'get', { key: 'a/b.txt' })));

  // S3 quotes the object ARN in its message.
  assert.equal(error.name, 'AccessDenied');
  assert.equal(
    error.message,
    'User: arn:aws:sts::000000000000:assumed-role/demo-photos-writer-role/demo-photos-writer is not authorized to perform: '
      + 's3:GetObject on resource: "arn:aws:s3:::demo-photos-private/a/b.txt" '
      + 'because no identity-based policy allows the s3:GetObject action',
  );
});

test('listing an unlinked bucket names the bucket', async (t) => {
  const { router } = openLocalStores(t);

  const error = await rejectionOf(router.handle('photos.reader', call('bucket', 'demo-photos-originals', 'list', {})));

  assert.equal(error.name, 'AccessDenied');
  assert.match(error.message, /s3:ListBucket on resource: "arn:aws:s3:::demo-photos-originals" /);
});

test('a table name used as a bucket is denied', async (t) => {
  const { router } = openLocalStores(t);

  // The link is to the table, so the same physical name as a bucket is another resource.
  const error = await rejectionOf(router.handle('photos.reader', call('bucket', 'demo-photos-photos', 'get', { key: 'x' })));

  assert.equal(error.name, 'AccessDenied');
});

test('linked bucket stores and returns objects', async (t) => {
  const { router } = openLocalStores(t);

  const stored = await router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'put', { key: 'a.txt', body: 'hello', contentType: 'text/plain' }));
  const read = await router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'get', { key: 'a.txt' })) as { body: Uint8Array; contentType: string };

  assert.equal((stored as { size: number }).size, 5);
  assert.equal(Buffer.from(read.body).toString(), 'hello');
  assert.equal(read.contentType, 'text/plain');
});

test('store errors keep their AWS names', async (t) => {
  const { router } = openLocalStores(t);

  const missingKey = await rejectionOf(router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'get', { key: 'missing' })));
  await router.handle('photos.writer', call('table', 'demo-photos-photos', 'put', { item: { owner: 'o', id: 'p1' } }));
  const conditional = await rejectionOf(router.handle('photos.writer', call('table', 'demo-photos-photos', 'put', { item: { owner: 'o', id: 'p1' }, condition: { type: 'notExists' } })));
  const invalid = await rejectionOf(router.handle('photos.writer', call('table', 'demo-photos-photos', 'put', null)));

  assert.equal(missingKey.name, 'NoSuchKey');
  assert.equal(conditional.name, 'ConditionalCheckFailedException');
  assert.equal(invalid.name, 'ValidationException');
});

test('presign passes the signed details on', async (t) => {
  const { router } = openLocalStores(t);

  const put = await router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'presignPut', { key: 'up/1', expiresIn: 60, contentType: 'image/png' }));
  const get = await router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'presignGet', { key: 'up/1' }));
  const tooLong = await rejectionOf(router.handle('photos.writer', call('bucket', 'demo-photos-originals', 'presignGet', { key: 'up/1', expiresIn: 8 * 24 * 3600 })));

  assert.deepEqual(put, { url: 'http://127.0.0.1/presigned/PUT/demo-photos-originals/up/1?expires=60&type=image/png' });
  // Without expiresIn, the URL lasts 900 seconds, the AWS SDK's default.
  assert.deepEqual(get, { url: 'http://127.0.0.1/presigned/GET/demo-photos-originals/up/1?expires=900&type=' });
  assert.equal(tooLong.name, 'AuthorizationQueryParametersError');
});

test('unknown caller, kind and operation are rejected', async (t) => {
  const { router } = openLocalStores(t);

  const unknownCaller = await rejectionOf(router.handle('photos.ghost', call('table', 'demo-photos-photos', 'get', { key: { owner: 'o', id: 'p' } })));
  const unknownKind = await rejectionOf(router.handle('photos.writer', call('database' as never, 'x', 'get', {})));
  const inheritedKind = await rejectionOf(router.handle('photos.writer', call('constructor' as never, 'x', 'get', {})));
  const unknownOp = await rejectionOf(router.handle('photos.writer', call('table', 'demo-photos-photos', 'truncate', {})));
  const inheritedOp = await rejectionOf(router.handle('photos.writer', call('table', 'demo-photos-photos', 'toString', {})));

  assert.equal(unknownCaller.name, 'AccessDeniedException');
  assert.match(unknownCaller.message, /photos\.ghost/);
  assert.match(unknownKind.message, /no resources of kind "database"/);
  assert.equal(inheritedKind.name, 'InvalidParameterValueException');
  assert.equal(unknownOp.name, 'UnknownOperationException');
  assert.equal(inheritedOp.name, 'UnknownOperationException');
});
