/**
 * The `feed` service: photos that become ready reach the feed through the
 * `PhotoReady` event on the bus, and `GET /feed` lists them newest first.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { DEMO_PHOTOS_DIR, startPhotoSharing, waitForPhoto, type RunningApp } from './helpers.ts';

interface FeedPage {
  items: { id: string; createdAt: string; publishedAt: string; photo: string; thumbnails: Record<string, { key: string; width: number; height: number; bytes: number }> }[];
  nextCursor?: string;
}

let running: RunningApp;

before(async () => {
  running = await startPhotoSharing();
});

after(async () => {
  await running?.stop();
});

async function getFeed(query = ''): Promise<{ status: number; body: FeedPage & { error?: string; message?: string } }> {
  const response = await fetch(new URL(`/feed${query}`, running.url));
  return { status: response.status, body: await response.json() as FeedPage };
}

/** Polls the feed until it lists `count` items; on a timeout the error shows the feed's log. */
async function feedWith(count: number): Promise<FeedPage> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { body } = await getFeed();
    if (body.items.length >= count) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = running.logs.filter((line) => line.includes('feed.') || line.includes('make-thumbnail')).slice(-40).join('\n');
  assert.fail(`the feed did not list ${count} photos within 30 s. Log:\n${log}`);
}

test('ready photos reach the feed, newest first', async () => {
  const empty = await getFeed();
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body.items, []);

  const first = await running.client.uploadFile(path.join(DEMO_PHOTOS_DIR, 'harbour.jpg'));
  const second = await running.client.uploadFile(path.join(DEMO_PHOTOS_DIR, 'lighthouse.jpg'));
  const [firstPhoto, secondPhoto] = [await waitForPhoto(running, first.id), await waitForPhoto(running, second.id)];
  assert.equal(firstPhoto.status, 'ready');
  assert.equal(secondPhoto.status, 'ready');

  const feed = await feedWith(2);

  assert.deepEqual(feed.items.map((item) => item.id), [second.id, first.id]);
  const [newest] = feed.items;
  assert.equal(newest!.photo, `/photos/${second.id}`);
  assert.equal(newest!.createdAt, secondPhoto.createdAt);
  assert.match(newest!.publishedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  // The event carries the thumbnail sizes that the photos service made.
  assert.equal(newest!.thumbnails.small!.width, secondPhoto.thumbnails!.small.width);
  assert.equal(newest!.thumbnails.large!.height, secondPhoto.thumbnails!.large.height);
  assert.equal(newest!.thumbnails.large!.bytes, secondPhoto.thumbnails!.large.bytes);

  // One item per page, with a cursor to the next.
  const page = await getFeed('?limit=1');
  assert.deepEqual(page.body.items.map((item) => item.id), [second.id]);
  assert.ok(page.body.nextCursor);
  const next = await getFeed(`?limit=1&cursor=${page.body.nextCursor}`);
  assert.deepEqual(next.body.items.map((item) => item.id), [first.id]);
});

test('a file that is not an image never reaches the feed', async () => {
  const created = await running.client.createPhoto({ contentType: 'image/png', filename: 'notes.png' });
  await running.client.upload(created, new TextEncoder().encode('not a picture'));
  const photo = await waitForPhoto(running, created.id);
  assert.equal(photo.status, 'failed');

  const { body } = await getFeed('?limit=100');
  assert.ok(!body.items.some((item) => item.id === created.id));
});

test('bad paging parameters get 400', async () => {
  const limit = await getFeed('?limit=0');
  const cursor = await getFeed('?cursor=bm90LWEtY3Vyc29y');

  assert.equal(limit.status, 400);
  assert.equal(limit.body.error, 'InvalidLimit');
  assert.equal(cursor.status, 400);
  assert.equal(cursor.body.error, 'InvalidCursor');
});
