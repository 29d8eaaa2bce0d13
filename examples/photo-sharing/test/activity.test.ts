/**
 * The `activity` service: it learns which photos exist from `PhotoReady`
 * events, views and likes go through the `interactions` stream into the
 * counts of the `stats` database, and `GET /trending` ranks photos by
 * likes × 3 + views.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

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

/**
 * Photo ids in the form the photos service issues. The test announces them
 * with `PhotoReady`, as the photos service does once thumbnails exist, so no
 * upload is needed; `unknown` is never announced.
 */
const PHOTO = {
  a: '0000000000aaaaaaaaaaa',
  b: '0000000000bbbbbbbbbbb',
  c: '0000000000ccccccccccc',
  d: '0000000000ddddddddddd',
  e: '0000000000eeeeeeeeeee',
  unknown: '0000000000fffffffffff',
};

before(async () => {
  running = await startPhotoSharing();
  await announceReady([PHOTO.a, PHOTO.b, PHOTO.c, PHOTO.d, PHOTO.e]);
});

after(async () => {
  await running?.stop();
});

/**
 * Publishes `PhotoReady` for each photo through the local cloud's EventBridge
 * endpoint, then waits until the activity service has recorded each one.
 */
async function announceReady(photoIds: readonly string[]): Promise<void> {
  const bus = new EventBridgeClient({
    endpoint: new URL('/_strato/events', running.url).href,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const entries = photoIds.map((id) => ({
      Source: 'photo-sharing.photos',
      DetailType: 'PhotoReady',
      Detail: JSON.stringify({ id, owner: running.user.userId, thumbnails: {}, createdAt: new Date().toISOString() }),
    }));
    const output = await bus.send(new PutEventsCommand({ Entries: entries }));
    assert.equal(output.FailedEntryCount, 0, JSON.stringify(output.Entries));
  } finally {
    bus.destroy();
  }

  const deadline = Date.now() + 30_000;
  const recorded = (id: string) => running.logs.some((line) => line.includes(`Photo ${id} can now be viewed and liked`));
  while (!photoIds.every(recorded)) {
    if (Date.now() > deadline) {
      const log = running.logs.filter((line) => line.includes('activity.')).slice(-40).join('\n');
      assert.fail(`activity.on-photo-ready did not record ${photoIds.filter((id) => !recorded(id)).join(', ')} within 30 s. Log:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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

test('malformed photo id is not found', async () => {
  const { status, body } = await post('/photos/not-a-photo/views');

  assert.equal(status, 404);
  assert.equal(body.error, 'PhotoNotFound');
  assert.match(String(body.message), /No photo has the id "not-a-photo"/);
});

test('unknown photo is not found', async () => {
  const view = await post(`/photos/${PHOTO.unknown}/views`);
  const like = await post(`/photos/${PHOTO.unknown}/likes`, running.user.idToken);

  for (const { status, body } of [view, like]) {
    assert.equal(status, 404);
    assert.equal(body.error, 'PhotoNotFound');
    assert.match(String(body.message), new RegExp(`No photo has the id "${PHOTO.unknown}"`));
  }
});

test('trending leaves out unknown photos', async () => {
  const { cloud } = running;
  const consumer = findFunction(cloud.app, 'activity.count-interactions')!;
  // Counts of an id that no PhotoReady announced, as views stored before the check could have made.
  const records = [streamRecord('300', { type: 'view', photoId: PHOTO.unknown, at: new Date().toISOString() }, 'shardId-000000000098')];

  const result = await cloud.parts.runtime.invoke(consumer, { Records: records } satisfies KinesisStreamEvent);

  assert.equal(result.ok, true, JSON.stringify(result));
  const items = (await getTrending('?limit=50')).body.items;
  assert.equal(items.find((found) => found.photoId === PHOTO.unknown), undefined);
});

test('redelivered PhotoReady is recorded once', async () => {
  const { cloud } = running;
  const recorder = findFunction(cloud.app, 'activity.on-photo-ready')!;
  const photoId = '0000000000abcdef01234';
  const event = {
    version: '0',
    id: 'redelivered-event',
    'detail-type': 'PhotoReady',
    source: 'photo-sharing.photos',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { id: photoId, thumbnails: {}, createdAt: new Date().toISOString() },
  } satisfies EventBridgeEvent<'PhotoReady', object>;

  // EventBridge delivers events at least once, so the same event can arrive twice.
  for (let delivery = 0; delivery < 2; delivery += 1) {
    const result = await cloud.parts.runtime.invoke(recorder, event);
    assert.equal(result.ok, true, JSON.stringify(result));
  }

  assert.ok(running.logs.some((line) => line.includes(`Photo ${photoId} was already known (event redelivered-event)`)));
  assert.equal((await post(`/photos/${photoId}/views`)).status, 202);
});

test('malformed PhotoReady is skipped', async () => {
  const { cloud } = running;
  const recorder = findFunction(cloud.app, 'activity.on-photo-ready')!;
  const event = { id: 'malformed-event', source: 'photo-sharing.photos', 'detail-type': 'PhotoReady', detail: { id: 'not-a-photo' } };

  const result = await cloud.parts.runtime.invoke(recorder, event);

  // A malformed event fails the same way on every retry, so the function drops it rather than fail.
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.ok(running.logs.some((line) => line.includes('Skipping event malformed-event from photo-sharing.photos: detail.id "not-a-photo" is not a photo id.')));
});

test('invalid trending limit is rejected', async () => {
  const { status, body } = await getTrending('?limit=0');

  assert.equal(status, 400);
  assert.equal(body.error, 'InvalidLimit');
  assert.match(String(body.message), /from 1 to 50; received "0"/);
});

/**
 * Returns a record of the `interactions` stream as Lambda delivers it, on a shard that no real record uses.
 * Tests that replay records use shards of their own, because the consumer skips sequence numbers a shard has passed.
 */
function streamRecord(sequenceNumber: string, interaction: object, shardId = 'shardId-000000000099'): KinesisStreamRecord {
  return {
    eventID: `${shardId}:${sequenceNumber}`,
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
  const photoId = PHOTO.d;
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
  const photoId = PHOTO.e;
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
