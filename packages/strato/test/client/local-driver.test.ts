/**
 * The clients with the local driver: calls go over a channel installed on
 * `globalThis`, as an execution environment installs it, to the real router
 * and stores. Then the checks that only the local cloud makes: access
 * denied for unlinked resources, and DynamoDB's exact messages.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { bucket, table } from '../../src/client/index.ts';
import { openLocalStores, recordingPresigner } from './app-fixture.ts';
import { installChannel } from './channel-fixture.ts';
import { defineClientContract, rejectionOf } from './contract.ts';

// Installed before the first client call, because the driver is chosen once per process.
const channel = installChannel();

/** Points the channel at new stores and acts as `photos.writer`, which links `photos`, `scores` and `originals`. */
function setUp(t: TestContext): void {
  const { app, router } = openLocalStores(t);
  channel.useRouter(router, app);
  channel.actAs('photos.writer');
}

defineClientContract({ setUp });

test('client names the linked resource', (t) => {
  setUp(t);

  assert.equal(table('photos').name, 'demo-photos-photos');
  assert.equal(bucket('originals').name, 'demo-photos-originals');
});

test('validation keeps the DynamoDB message', async (t) => {
  setUp(t);
  const photos = table('photos');

  const error = await rejectionOf(photos.put({ owner: 'o' }));

  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'One or more parameter values were invalid: Missing the key id in the item');
});

test('presigned URLs come from the presigner', async (t) => {
  setUp(t);
  const originals = bucket('originals');

  const url = await originals.presignPut('uploads/x', { expiresIn: 60, contentType: 'image/jpeg' });

  assert.equal(url, await recordingPresigner.presign({ bucket: 'demo-photos-originals', key: 'uploads/x', method: 'PUT', expiresIn: 60, contentType: 'image/jpeg' }));
});

test('unlinked resources get AccessDenied', async (t) => {
  setUp(t);
  channel.actAs('photos.reader');
  const originals = bucket('originals');
  const scores = table('scores');

  const bucketError = await rejectionOf(originals.put('a', 'b'));
  const tableError = await rejectionOf(scores.get({ game: 'g', score: 1 }));

  // Without the link, the environment has no STRATO_BUCKET_ORIGINALS, so the client sends the name as written.
  assert.equal(originals.name, 'originals');
  assert.equal(bucketError.name, 'AccessDenied');
  assert.match(bucketError.message, /demo-photos-reader is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::originals\/a"/);
  assert.equal(tableError.name, 'AccessDeniedException');
  assert.match(tableError.message, /dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/scores /);
});

test('another service table is denied', async (t) => {
  setUp(t);
  process.env.STRATO_TABLE_PROFILES = 'demo-users-profiles';
  t.after(() => { delete process.env.STRATO_TABLE_PROFILES; });
  const profiles = table('profiles');

  const error = await rejectionOf(profiles.get({ id: 'u1' }));

  assert.equal(error.name, 'AccessDeniedException');
  assert.match(error.message, /table\/demo-users-profiles /);
});
