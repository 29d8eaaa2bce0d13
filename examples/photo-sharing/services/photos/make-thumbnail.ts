/**
 * `make-thumbnail`: runs when an original lands under `uploads/` in the
 * `originals` bucket. Writes the WebP thumbnails to the `thumbnails` bucket
 * and marks the photo `ready`, or `failed` with the reason when the upload is
 * not an image. A ready photo is announced on the bus as `PhotoReady`.
 */
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { bucket, bus, table } from 'strato/client';

import { findPhoto } from './owner.ts';
import { photoIdOfKey, thumbnailKeyOf, type Photo, type Thumbnail, type ThumbnailSize } from './photo.ts';
import { renderThumbnails, type RenderedPhoto } from './thumbnails.ts';

const originals = bucket('originals');
const thumbnails = bucket('thumbnails');
const photos = table<Photo>('photos');
const events = bus();

export async function handler(event: S3Event, context: Context): Promise<void> {
  for (const record of event.Records) {
    await processRecord(record, context.awsRequestId);
  }
}

async function processRecord(record: S3EventRecord, requestId: string): Promise<void> {
  // S3 form-encodes the key in events: a space arrives as `+`, other bytes as %XX.
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
  const id = photoIdOfKey(key);
  if (!id) {
    console.warn(`Skipping ${key}: the key names no photo id.`);
    return;
  }

  // Upload URLs are issued only after the record is written, so a missing record is
  // the index lagging: reads of a DynamoDB global secondary index are eventually
  // consistent. Throwing lets Lambda retry the event later.
  const photo = await findPhoto(photos, id);
  if (!photo) {
    throw new Error(`No photo record has the id ${id} (key ${key}) yet; the by-id index may lag behind the table, so the event is retried.`);
  }
  // Events arrive at least once, so the same upload can come twice.
  if (photo.status === 'ready' && photo.sourceETag === record.s3.object.eTag) {
    console.log(`Skipping ${key}: its thumbnails are already made.`);
    // The first delivery may have failed after the update and before the announcement, so announce again.
    await announceReady(photo);
    return;
  }

  const original = await readOriginal(key);
  if (!original) {
    console.warn(`Skipping ${key}: the original was deleted before its thumbnails were made (request ${requestId}).`);
    return;
  }

  let rendered: RenderedPhoto;
  try {
    rendered = await renderThumbnails(original);
  } catch (error) {
    // A file that is not an image fails the same way on every retry, so the
    // photo ends as failed and the handler returns normally.
    const reason = `The upload is not an image that can be read: ${(error as Error).message}`;
    console.warn(`Photo ${id} failed (request ${requestId}): ${reason}`);
    await finishPhoto(photo.owner, id, { status: 'failed', failureReason: reason, sourceETag: record.s3.object.eTag });
    return;
  }

  const stored = await storeThumbnails(id, rendered);
  const updated = await finishPhoto(photo.owner, id, {
    status: 'ready',
    width: rendered.width,
    height: rendered.height,
    thumbnails: stored,
    // Removes the reason of an earlier failed upload to the same key.
    failureReason: undefined,
    sourceETag: record.s3.object.eTag,
  });
  if (updated) await announceReady({ ...photo, thumbnails: stored });
  console.log(`Photo ${id} is ready: ${rendered.thumbnails.map((t) => `${t.width}x${t.height}`).join(', ')}.`);
}

/** Returns the original's bytes, or undefined when the object no longer exists. */
async function readOriginal(key: string): Promise<Uint8Array | undefined> {
  try {
    return (await originals.get(key)).body;
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Writes the outcome to the photo record, unless the record was deleted meanwhile; returns whether it wrote. */
async function finishPhoto(owner: string, id: string, changes: Partial<Photo>): Promise<boolean> {
  try {
    await photos.update({ owner, id }, { ...changes, updatedAt: new Date().toISOString() }, { ifExists: true });
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
      console.warn(`Photo ${id} was deleted while its thumbnails were made; nothing to update.`);
      return false;
    }
    throw error;
  }
}

/**
 * Publishes `PhotoReady`, which other services (the feed) follow instead of
 * reading this service's stores. A failure to publish fails the invocation,
 * so the S3 event is retried and the photo is announced then.
 */
async function announceReady(photo: Photo): Promise<void> {
  await events.publish({
    source: 'photo-sharing.photos',
    detailType: 'PhotoReady',
    detail: { id: photo.id, owner: photo.owner, thumbnails: photo.thumbnails, createdAt: photo.createdAt },
  });
}

async function storeThumbnails(id: string, rendered: RenderedPhoto): Promise<Record<ThumbnailSize, Thumbnail>> {
  const stored = await Promise.all(rendered.thumbnails.map(async (thumbnail) => {
    const key = thumbnailKeyOf(id, thumbnail.size);
    await thumbnails.put(key, thumbnail.data, { contentType: 'image/webp' });
    const entry: Thumbnail = { key, width: thumbnail.width, height: thumbnail.height, bytes: thumbnail.data.byteLength };
    return [thumbnail.size, entry] as const;
  }));
  return Object.fromEntries(stored) as Record<ThumbnailSize, Thumbnail>;
}
