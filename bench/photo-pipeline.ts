/**
 * Upload to thumbnails ready, in the reference application: the time a
 * client waits from `POST /photos` until `GET /photos/{id}` returns `ready`,
 * split into creating the photo, uploading the original to its presigned
 * URL, and the wait after the upload. The wait covers the bucket event, the
 * durable asynchronous queue, `make-thumbnail` (reading the original, two
 * WebP encodings with sharp, two puts, the table update) and the client's
 * polling, every 5 ms. The handler's own duration comes from its REPORT
 * log lines, so the rest of the wait is Strato's share.
 *
 * Photos are uploaded one at a time, then all at once for the time until
 * every one is ready. The photos are the camera samples beside the
 * repository when they exist, otherwise the demo photos of the example.
 *
 * Run alone with `npx tsx bench/photo-pipeline.ts`; `run()` returns the report lines.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

import { signInLocalUser } from '../examples/photo-sharing/scripts/local-user.ts';
import { contentTypeOf, PhotosClient } from '../examples/photo-sharing/scripts/photos-client.ts';
import { LocalCloud } from '../packages/strato/src/local/index.ts';
import { loadApp } from '../packages/strato/src/model/index.ts';

const APP_DIR = path.resolve(import.meta.dirname, '../examples/photo-sharing');
const SAMPLE_PHOTOS_DIR = path.resolve(import.meta.dirname, '../../shared/samples/photos');
const DEMO_PHOTOS_DIR = path.join(APP_DIR, 'demo-photos');

const ROUNDS = 3;
const POLL_INTERVAL_MS = 5;

interface Photo {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}

interface Timing {
  readonly create: number;
  readonly upload: number;
  readonly uploadToReady: number;
  readonly total: number;
}

function loadPhotos(): { photos: Photo[]; source: string } {
  const dir = existsSync(SAMPLE_PHOTOS_DIR) ? SAMPLE_PHOTOS_DIR : DEMO_PHOTOS_DIR;
  const photos = readdirSync(dir)
    .filter((name) => contentTypeOf(name) !== undefined)
    .sort()
    .map((name) => ({ name, contentType: contentTypeOf(name)!, body: readFileSync(path.join(dir, name)) }));
  return { photos, source: path.relative(process.cwd(), dir) };
}

/** Creates, uploads and polls one photo until it is ready, timing each phase. */
async function uploadOne(client: PhotosClient, photo: Photo): Promise<Timing> {
  const begin = performance.now();
  const created = await client.createPhoto({ contentType: photo.contentType, filename: photo.name });
  const createdAt = performance.now();
  await client.upload(created, photo.body);
  const uploadedAt = performance.now();
  const ready = await client.waitForPhoto(created.id, { intervalMs: POLL_INTERVAL_MS });
  const readyAt = performance.now();

  if (ready.status !== 'ready') throw new Error(`${photo.name} ended ${ready.status}: ${ready.failureReason}`);
  return { create: createdAt - begin, upload: uploadedAt - createdAt, uploadToReady: readyAt - uploadedAt, total: readyAt - begin };
}

/** Durations in ms of the REPORT lines of make-thumbnail, in order. */
function handlerDurations(logs: readonly string[]): number[] {
  return logs
    .filter((line) => line.includes('make-thumbnail') && line.includes('REPORT'))
    .map((line) => Number(/\tDuration: ([\d.]+) ms/.exec(line)?.[1]))
    .filter((duration) => Number.isFinite(duration));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

export async function run(): Promise<string[]> {
  const { photos, source } = loadPhotos();

  // Bundles resolve sharp from the node_modules above them, so the state folder lies inside the application.
  const stateRoot = path.join(APP_DIR, '.strato');
  mkdirSync(stateRoot, { recursive: true });
  const stateDir = mkdtempSync(path.join(stateRoot, 'bench-'));
  const logs: string[] = [];
  const cloud = await LocalCloud.start({ app: await loadApp(APP_DIR), port: 0, stateDir, logSink: (line) => logs.push(line) });

  try {
    // Creating a photo needs a signed-in user, as in the web UI.
    const user = await signInLocalUser(cloud.url, 'bench@example.com', 'Bench-Photos-1');
    const client = new PhotosClient(cloud.url, user.idToken);

    // The first photo pays for bundling and cold starts; it is not measured.
    await uploadOne(client, photos[0]!);
    const coldStartReports = handlerDurations(logs).length;

    const byPhoto = new Map<string, Timing[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const photo of photos) {
        const timings = byPhoto.get(photo.name) ?? [];
        timings.push(await uploadOne(client, photo));
        byPhoto.set(photo.name, timings);
      }
    }
    const handlerMedian = median(handlerDurations(logs).slice(coldStartReports));

    const burstStart = performance.now();
    await Promise.all(photos.map((photo) => uploadOne(client, photo)));
    const burst = performance.now() - burstStart;

    const all = [...byPhoto.values()].flat();
    const lines = [
      `photo pipeline: ${photos.length} photos from ${source}, ${ROUNDS} rounds one at a time, polling every ${POLL_INTERVAL_MS} ms`,
      ...[...byPhoto.entries()].map(([name, timings]) =>
        `  ${name.padEnd(24)} create ${ms(median(timings.map((t) => t.create)))}, upload ${ms(median(timings.map((t) => t.upload)))},`
        + ` upload to ready ${ms(median(timings.map((t) => t.uploadToReady)))}, total ${ms(median(timings.map((t) => t.total)))} (medians)`),
      `  all photos: upload to ready median ${ms(median(all.map((t) => t.uploadToReady)))}; make-thumbnail handler median ${ms(handlerMedian)}`,
      `  ${photos.length} photos at once: all ready after ${ms(burst)}`,
    ];
    return lines;
  } finally {
    await cloud.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
