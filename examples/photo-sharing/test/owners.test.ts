/**
 * Photos belong to the signed-in user: creating and listing need a token,
 * the owner is the token's `sub`, and anyone may read a photo by its id.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { signInLocalUser, type LocalUser } from '../scripts/local-user.ts';
import { PhotosClient } from '../scripts/photos-client.ts';
import { startPhotoSharing, type RunningApp } from './helpers.ts';

let running: RunningApp;
let other: LocalUser;

before(async () => {
  running = await startPhotoSharing();
  other = await signInLocalUser(running.url, 'grace@example.com', 'Other-Password-2');
});

after(async () => {
  await running?.stop();
});

async function send(method: string, path: string, headers: Record<string, string> = {}) {
  const body = method === 'POST' ? JSON.stringify({ contentType: 'image/jpeg' }) : undefined;
  const response = await fetch(new URL(path, running.url), { method, headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
}

test('create and list need a token', async () => {
  const created = await send('POST', '/photos');
  const badToken = await send('POST', '/photos', { authorization: 'Bearer not-a-token' });
  const list = await send('GET', '/photos');

  // API Gateway's JWT authorizer returns 401 {"message":"Unauthorized"} for a missing or invalid token:
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
  assert.equal(created.status, 401);
  assert.deepEqual(created.json, { message: 'Unauthorized' });
  assert.equal(badToken.status, 401);
  assert.equal(list.status, 401);
});

test('each user lists only their photos', async () => {
  const otherClient = new PhotosClient(running.url, other.idToken);
  const mine = await running.client.createPhoto({ contentType: 'image/jpeg', filename: 'mine.jpg' });
  const theirs = await otherClient.createPhoto({ contentType: 'image/jpeg', filename: 'theirs.jpg' });

  const myIds = (await running.client.listPhotos()).photos.map((photo) => photo.id);
  const theirIds = (await otherClient.listPhotos()).photos.map((photo) => photo.id);

  assert.ok(myIds.includes(mine.id));
  assert.ok(!myIds.includes(theirs.id));
  assert.deepEqual(theirIds, [theirs.id]);
  assert.notEqual(running.user.userId, other.userId);
});

test('anyone reads a photo by id', async () => {
  const created = await running.client.createPhoto({ contentType: 'image/png', filename: 'shared.png' });

  const anonymous = await new PhotosClient(running.url).getPhoto(created.id);
  const byOther = await new PhotosClient(running.url, other.idToken).getPhoto(created.id);

  assert.equal(anonymous.filename, 'shared.png');
  assert.equal(byOther.id, created.id);
});
