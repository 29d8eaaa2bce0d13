/**
 * The `activity` service: views and likes go through the `interactions`
 * stream into the counts of the `stats` database, and `GET /trending` ranks
 * photos by likes × 3 + views.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

import { findFunction } from '../../../packages/strato/src/model/index.ts';
import { signInLocalUser } from '../scripts/local-user.ts';
import { startPhotoSharing, type RunningApp } from './helpers.ts';

interface TrendingItem {
  photoId: string;
  views: number;
  likes: number;
  score: number;
  photo: string;
}

let running: RunningApp;

before(async () => {
  running = await startPhotoSharing();
});

after(async () => {
  await running?.stop();
});

/** Photo ids in the form the photos service issues; activity does not look photos up, so these need not exist. */
const PHOTO = { a: '0000000000aaaaaaaaaaa', b: '0000000000bbbbbbbbbbb', c: '0000000000ccccccccccc' };

async function post(path: string, idToken?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL(path, running.url), {
    method: 'POST',
    headers: idToken ? { authorization: `Bearer ${idToken}` } : {},
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

async function getTrending(query = ''): Promise<{ status: number; body: { items: TrendingItem[]; error?: string; message?: string } }> {
  const response = await fetch(new URL(`/trending${query}`, running.url));
  return { status: response.status, body: await response.json() as { items: TrendingItem[] } };
}

/** Polls `GET /trending` until `done` accepts its items; on a timeout the error shows the service's log. */
async function trendingWhen(done: (items: TrendingItem[]) => boolean): Promise<TrendingItem[]> {
  const deadline = Date.now() + 30_000;
  let items: TrendingItem[] = [];
  while (Date.now() < deadline) {
    items = (await getTrending()).body.items;
    if (done(items)) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = running.logs.filter((line) => line.includes('activity.')).slice(-40).join('\n');
  assert.fail(`GET /trending did not reach the expected counts within 30 s; last items: ${JSON.stringify(items)}. Log:\n${log}`);
}

test('trending ranks views and likes', async () => {
  const other = await signInLocalUser(running.url, 'other@example.com', 'Test-Password-2');

  // a: 3 views (score 3). b: 1 view, liked by two users (score 7). c: 1 view, liked twice by one user, counted once (score 4).
  const accepted = await Promise.all([
    post(`/photos/${PHOTO.a}/views`), post(`/photos/${PHOTO.a}/views`), post(`/photos/${PHOTO.a}/views`),
    post(`/photos/${PHOTO.b}/views`), post(`/photos/${PHOTO.b}/likes`, running.user.idToken), post(`/photos/${PHOTO.b}/likes`, other.idToken),
    post(`/photos/${PHOTO.c}/views`), post(`/photos/${PHOTO.c}/likes`, running.user.idToken), post(`/photos/${PHOTO.c}/likes`, running.user.idToken),
  ]);
  for (const { status } of accepted) assert.equal(status, 202);
  assert.deepEqual(accepted[4]!.body, { photoId: PHOTO.b, accepted: 'like' });

  const items = await trendingWhen((found) => found.reduce((sum, item) => sum + item.views, 0) === 5 && found.reduce((sum, item) => sum + item.likes, 0) === 3);

  assert.deepEqual(items.map((item) => item.photoId), [PHOTO.b, PHOTO.c, PHOTO.a]);
  assert.deepEqual(items[0], { photoId: PHOTO.b, views: 1, likes: 2, score: 7, photo: `/photos/${PHOTO.b}` });
  assert.deepEqual(items.map((item) => [item.views, item.likes, item.score]), [[1, 2, 7], [1, 1, 4], [3, 0, 3]]);
});

test('like without sign-in is unauthorized', async () => {
  const { status } = await post(`/photos/${PHOTO.a}/likes`);

  // API Gateway's JWT authorizer returns 401 for a request without a token.
  assert.equal(status, 401);
});

test('invalid photo id is rejected', async () => {
  const { status, body } = await post('/photos/not-a-photo/views');

  assert.equal(status, 400);
  assert.equal(body.error, 'InvalidPhotoId');
  assert.match(String(body.message), /"not-a-photo" is not a photo id/);
});

test('invalid trending limit is rejected', async () => {
  const { status, body } = await getTrending('?limit=0');

  assert.equal(status, 400);
  assert.equal(body.error, 'InvalidLimit');
  assert.match(String(body.message), /from 1 to 50; received "0"/);
});

/** Returns a record of the `interactions` stream as Lambda delivers it, on a shard that no real record uses. */
function streamRecord(sequenceNumber: string, interaction: object): KinesisStreamRecord {
  return {
    eventID: `shardId-000000000099:${sequenceNumber}`,
    kinesis: {
      sequenceNumber,
      partitionKey: 'replay',
      data: Buffer.from(JSON.stringify(interaction)).toString('base64'),
      kinesisSchemaVersion: '1.0',
      approximateArrivalTimestamp: Date.now() / 1000,
    },
  } as KinesisStreamRecord;
}

test('redelivered batch is counted once', async () => {
  const { cloud } = running;
  const consumer = findFunction(cloud.app, 'activity.count-interactions')!;
  const photoId = '0000000000ddddddddddd';
  const at = new Date().toISOString();
  const view = streamRecord('100', { type: 'view', photoId, at });
  const like = streamRecord('101', { type: 'like', photoId, userId: 'replayed-user', at });
  const later = streamRecord('102', { type: 'view', photoId, at });

  // Lambda delivers stream records at least once: the same batch twice, then a batch that repeats them with one new record.
  for (const records of [[view, like], [view, like], [view, like, later]]) {
    const result = await cloud.parts.runtime.invoke(consumer, { Records: records } satisfies KinesisStreamEvent);
    assert.equal(result.ok, true, JSON.stringify(result));
  }

  const item = (await getTrending('?limit=50')).body.items.find((found) => found.photoId === photoId);
  assert.deepEqual(item, { photoId, views: 2, likes: 1, score: 5, photo: `/photos/${photoId}` });
});

test('malformed record is skipped', async () => {
  const { cloud } = running;
  const consumer = findFunction(cloud.app, 'activity.count-interactions')!;
  const photoId = '0000000000eeeeeeeeeee';
  const records = [
    streamRecord('200', { type: 'view', photoId: 'not-a-photo', at: 'now' }),
    { ...streamRecord('201', {}), kinesis: { ...streamRecord('201', {}).kinesis, data: Buffer.from('not json').toString('base64') } },
    streamRecord('202', { type: 'view', photoId, at: new Date().toISOString() }),
  ];

  const result = await cloud.parts.runtime.invoke(consumer, { Records: records } satisfies KinesisStreamEvent);

  assert.equal(result.ok, true, JSON.stringify(result));
  const item = (await getTrending('?limit=50')).body.items.find((found) => found.photoId === photoId);
  assert.deepEqual(item, { photoId, views: 1, likes: 0, score: 1, photo: `/photos/${photoId}` });
  assert.ok(running.logs.some((line) => line.includes('Skipped record shardId-000000000099:201')));
});
