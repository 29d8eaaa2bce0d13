/**
 * Uploads real photos through the API as a client would and checks the
 * thumbnails that `make-thumbnail` writes.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import exifReader from 'exif-reader';
import sharp from 'sharp';

import { contentTypeOf, type PhotoView, type ThumbnailView } from '../scripts/photos-client.ts';
import { DEMO_PHOTOS_DIR, SAMPLE_PHOTOS_DIR, startPhotoSharing, waitForPhoto, type RunningApp } from './helpers.ts';

const LONG_SIDES = { small: 320, large: 1280 } as const;

let running: RunningApp;

before(async () => {
  running = await startPhotoSharing();
});

after(async () => {
  await running?.stop();
});

/** Width and height of an image once its EXIF orientation is applied. */
async function orientedSize(file: string): Promise<{ width: number; height: number }> {
  const metadata = await sharp(file).metadata();
  return metadata.autoOrient;
}

/** Size that fitting inside a square of `longSide` gives, without enlarging. */
function expectedSize(original: { width: number; height: number }, longSide: number) {
  const scale = Math.min(1, longSide / Math.max(original.width, original.height));
  return { width: Math.round(original.width * scale), height: Math.round(original.height * scale) };
}

async function download(url: string): Promise<{ contentType: string | null; body: Buffer }> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url} returned ${response.status}`);
  return { contentType: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

async function uploadAndWait(file: string): Promise<PhotoView> {
  const created = await running.client.uploadFile(file);
  return waitForPhoto(running, created.id);
}

/** Checks both thumbnails of a ready photo against its original file. */
async function checkThumbnails(file: string, photo: PhotoView): Promise<void> {
  const name = path.basename(file);
  assert.equal(photo.status, 'ready', `${name}: ${photo.failureReason}`);
  assert.ok(photo.thumbnails, `${name} has no thumbnails`);

  const oriented = await orientedSize(file);
  assert.equal(photo.width, oriented.width, `${name} width`);
  assert.equal(photo.height, oriented.height, `${name} height`);

  for (const [size, longSide] of Object.entries(LONG_SIDES) as ['small' | 'large', number][]) {
    const thumbnail: ThumbnailView = photo.thumbnails[size];
    const { contentType, body } = await download(thumbnail.url);
    const metadata = await sharp(body).metadata();
    const expected = expectedSize(oriented, longSide);

    assert.equal(contentType, 'image/webp', `${name} ${size} content type`);
    assert.equal(metadata.format, 'webp', `${name} ${size} format`);
    assert.equal(metadata.width, expected.width, `${name} ${size} width`);
    assert.equal(metadata.height, expected.height, `${name} ${size} height`);
    assert.equal(thumbnail.width, expected.width, `${name} ${size} reported width`);
    assert.equal(thumbnail.height, expected.height, `${name} ${size} reported height`);
    assert.equal(thumbnail.bytes, body.byteLength, `${name} ${size} reported bytes`);
    assert.equal(metadata.exif, undefined, `${name} ${size} still has EXIF`);
    assert.equal(metadata.xmp, undefined, `${name} ${size} still has XMP`);
    assert.equal(metadata.orientation, undefined, `${name} ${size} still has an orientation tag`);
  }
}

test('sample camera photos get both thumbnails', async () => {
  const files = readdirSync(SAMPLE_PHOTOS_DIR)
    .filter((name) => contentTypeOf(name) !== undefined)
    .map((name) => path.join(SAMPLE_PHOTOS_DIR, name));
  assert.ok(files.length >= 5, `expected the sample photos in ${SAMPLE_PHOTOS_DIR}`);

  const photos = await Promise.all(files.map(uploadAndWait));

  for (const [index, file] of files.entries()) {
    await checkThumbnails(file, photos[index]!);
  }
});

test('sideways phone photo is turned upright', async () => {
  const file = path.join(DEMO_PHOTOS_DIR, 'lighthouse.jpg');
  const original = await sharp(file).metadata();
  // EXIF orientation 6: the stored pixels must turn 90° clockwise to display upright.
  assert.equal(original.orientation, 6);
  assert.equal(original.width, 1200);
  assert.equal(original.height, 900);

  const photo = await uploadAndWait(file);
  await checkThumbnails(file, photo);

  // Upright, the drawing has sky at the top and grass at the bottom; turned the wrong way, the grass is on a side.
  const { body } = await download(photo.thumbnails!.small.url);
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => {
    const offset = (y * info.width + x) * info.channels;
    return { red: data[offset]!, green: data[offset + 1]!, blue: data[offset + 2]! };
  };
  const top = pixel(Math.floor(info.width / 2), 2);
  const bottom = pixel(Math.floor(info.width / 2), info.height - 3);
  assert.ok(top.blue > top.red, `top is not sky blue: ${JSON.stringify(top)}`);
  assert.ok(top.blue > top.green, `top is not sky blue: ${JSON.stringify(top)}`);
  assert.ok(bottom.green > bottom.red, `bottom is not grass green: ${JSON.stringify(bottom)}`);
  assert.ok(bottom.green > bottom.blue, `bottom is not grass green: ${JSON.stringify(bottom)}`);
});

test('GPS location is stripped', async () => {
  const file = path.join(DEMO_PHOTOS_DIR, 'lighthouse.jpg');
  const original = await sharp(file).metadata();
  const gps = exifReader(original.exif!).GPSInfo;
  assert.equal(gps?.GPSLatitudeRef, 'N', 'the original carries a GPS latitude');

  const photo = await uploadAndWait(file);
  for (const size of ['small', 'large'] as const) {
    const { body } = await download(photo.thumbnails![size].url);
    const metadata = await sharp(body).metadata();
    assert.equal(metadata.exif, undefined, `${size} thumbnail has EXIF`);
  }
});

test('small image is not enlarged', async () => {
  const file = path.join(DEMO_PHOTOS_DIR, 'badge.png');
  const photo = await uploadAndWait(file);

  await checkThumbnails(file, photo);
  assert.equal(photo.thumbnails!.small.width, 240);
  assert.equal(photo.thumbnails!.large.width, 240);
});

test('ready photo keeps its filename and type', async () => {
  const file = path.join(DEMO_PHOTOS_DIR, 'harbour.jpg');
  const photo = await uploadAndWait(file);

  assert.equal(photo.status, 'ready');
  assert.equal(photo.filename, 'harbour.jpg');
  assert.equal(photo.contentType, 'image/jpeg');
});
