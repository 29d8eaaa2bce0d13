/**
 * The photos API's responses to good and bad requests, through the local
 * cloud's gateway.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DEMO_PHOTOS_DIR, startPhotoSharing, waitForPhoto, type RunningApp } from './helpers.ts';

let running: RunningApp;

before(async () => {
  running = await startPhotoSharing();
});

after(async () => {
  await running?.stop();
});

async function request(method: string, pathAndQuery: string, body?: string) {
  const response = await fetch(new URL(pathAndQuery, running.url), {
    method,
    headers: { authorization: `Bearer ${running.user.idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as Record<string, unknown> };
}

test('create returns a presigned upload URL', async () => {
  const response = await request('POST', '/photos', JSON.stringify({ contentType: 'image/jpeg', filename: 'a.jpg' }));

  assert.equal(response.status, 201);
  assert.match(String(response.json.id), /^[0-9a-z]{11}[0-9a-f]{10}$/);
  assert.equal(response.json.status, 'pending');
  assert.equal(response.json.expiresIn, 900);
  assert.equal(response.headers.get('location'), `/photos/${response.json.id}`);
  const uploadUrl = new URL(String(response.json.uploadUrl));
  assert.ok(decodeURIComponent(uploadUrl.pathname).endsWith(`uploads/${response.json.id}`), uploadUrl.pathname);

  const photo = await request('GET', `/photos/${response.json.id}`);
  assert.equal(photo.status, 200);
  assert.equal(photo.json.status, 'pending');
  assert.equal(photo.json.filename, 'a.jpg');
});

test('malformed JSON gets 400', async () => {
  const response = await request('POST', '/photos', '{"contentType": "image/jpeg"');

  assert.equal(response.status, 400);
  assert.equal(response.json.error, 'InvalidJson');
  assert.match(String(response.json.message), /not valid JSON/);
});

test('body that is not an object gets 400', async () => {
  const array = await request('POST', '/photos', '["image/jpeg"]');
  const missing = await request('POST', '/photos');

  assert.equal(array.status, 400);
  assert.equal(array.json.error, 'InvalidJson');
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error, 'MissingBody');
});

test('non-image content type gets 400', async () => {
  const text = await request('POST', '/photos', JSON.stringify({ contentType: 'text/plain' }));
  const absent = await request('POST', '/photos', JSON.stringify({ filename: 'a.jpg' }));

  assert.equal(text.status, 400);
  assert.equal(text.json.error, 'InvalidContentType');
  assert.match(String(text.json.message), /"text\/plain" is not an accepted image type/);
  assert.equal(absent.status, 400);
  assert.equal(absent.json.error, 'InvalidContentType');
});

test('invalid filename gets 400', async () => {
  const response = await request('POST', '/photos', JSON.stringify({ contentType: 'image/png', filename: 'x'.repeat(256) }));

  assert.equal(response.status, 400);
  assert.equal(response.json.error, 'InvalidFilename');
});

test('unknown photo id gets 404', async () => {
  const wellFormed = await request('GET', '/photos/000000000000000000000');
  const malformed = await request('GET', '/photos/not-a-photo');

  assert.equal(wellFormed.status, 404);
  assert.equal(wellFormed.json.error, 'PhotoNotFound');
  assert.equal(malformed.status, 404);
  assert.equal(malformed.json.error, 'PhotoNotFound');
});

test('text file ends failed, cloud keeps serving', async () => {
  const created = await running.client.createPhoto({ contentType: 'image/jpeg', filename: 'notes.jpg' });
  await running.client.upload(created, Buffer.from('These are notes, not a JPEG.\n'));

  const failed = await waitForPhoto(running, created.id);
  assert.equal(failed.status, 'failed');
  assert.match(failed.failureReason ?? '', /not an image/);
  assert.equal(failed.thumbnails, undefined);

  const image = await running.client.uploadFile(path.join(DEMO_PHOTOS_DIR, 'badge.png'));
  const ready = await waitForPhoto(running, image.id);
  assert.equal(ready.status, 'ready');
});

test('failed photo recovers on re-upload', async () => {
  const created = await running.client.createPhoto({ contentType: 'image/jpeg', filename: 'retry.jpg' });
  await running.client.upload(created, Buffer.from('not a JPEG either'));
  const failed = await waitForPhoto(running, created.id);
  assert.equal(failed.status, 'failed');

  // The upload URL stays valid until it expires, so the client can send the right file to it.
  await running.client.upload(created, await readFile(path.join(DEMO_PHOTOS_DIR, 'harbour.jpg')));
  let photo = await running.client.getPhoto(created.id);
  const deadline = Date.now() + 30_000;
  while (photo.status !== 'ready' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    photo = await running.client.getPhoto(created.id);
  }

  assert.equal(photo.status, 'ready');
  assert.equal(photo.failureReason, undefined);
  assert.equal(photo.width, 1600);
});

test('list pages newest first', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    const created = await running.client.createPhoto({ contentType: 'image/png', filename: `page-${i}.png` });
    ids.push(created.id);
  }

  // Pages of two, from the start, until the cursor runs out.
  const listed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await running.client.listPhotos({ limit: 2, cursor });
    assert.ok(page.photos.length <= 2);
    listed.push(...page.photos.map((photo) => photo.id));
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  const newestThree = [...ids].reverse();
  assert.deepEqual(listed.slice(0, 3), newestThree);
  assert.deepEqual(listed, [...listed].sort().reverse(), 'the list is not newest first');
  assert.equal(new Set(listed).size, listed.length, 'a photo appears on two pages');
});

test('invalid list parameters get 400', async () => {
  const limit = await request('GET', '/photos?limit=0');
  const cursor = await request('GET', '/photos?cursor=bm90LWEta2V5');

  assert.equal(limit.status, 400);
  assert.equal(limit.json.error, 'InvalidLimit');
  assert.equal(cursor.status, 400);
  assert.equal(cursor.json.error, 'InvalidCursor');
});
