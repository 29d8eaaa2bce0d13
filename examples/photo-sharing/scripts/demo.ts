/**
 * Uploads every image of a folder to the running application, as a client
 * would, and prints each photo's state and thumbnail sizes.
 *
 *   npm run demo [FOLDER]
 *
 * FOLDER defaults to the photos in `demo-photos/`. STRATO_URL sets the
 * application's address (default http://127.0.0.1:3000); start it first
 * with `npm start`.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { signInLocalUser } from './local-user.ts';
import { contentTypeOf, PhotosClient, type PhotoView } from './photos-client.ts';

const DEFAULT_FOLDER = path.join(import.meta.dirname, '../demo-photos');
const DEFAULT_URL = 'http://127.0.0.1:3000';
/** The account the demo signs up and uploads as; sign in with it in the web UI to see its photos. */
const DEMO_EMAIL = 'demo@example.com';
const DEMO_PASSWORD = 'Demo-Photos-1';

interface Outcome {
  readonly file: string;
  readonly photo?: PhotoView;
  readonly seconds: number;
  readonly error?: string;
}

async function main(): Promise<number> {
  // The Cognito client used for signing in warns on Node.js 20 about its future releases; that is noise in the demo's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const folder = resolveFolder(process.argv[2]);
  const baseUrl = process.env.STRATO_URL ?? DEFAULT_URL;

  if (!existsSync(folder)) {
    console.error(`Folder ${folder} does not exist. Pass a folder of images, or nothing to upload the demo photos.`);
    return 1;
  }
  const files = listImages(folder);
  if (files.length === 0) {
    console.error(`No images in ${folder}. Pass a folder with .jpg, .png, .webp, .gif, .avif or .tiff files.`);
    return 1;
  }
  if (!(await isReachable(baseUrl))) {
    console.error(`Cannot reach the application at ${baseUrl}. Start it with \`npm start\` in another terminal, or set STRATO_URL to its address.`);
    return 1;
  }

  // Uploading needs a signed-in user, so the demo signs up its own, as a person would in the web UI.
  const user = await signInLocalUser(baseUrl, DEMO_EMAIL, DEMO_PASSWORD);
  const client = new PhotosClient(baseUrl, user.idToken);

  console.log(`Uploading ${files.length} photos from ${folder} to ${baseUrl}\n`);
  const outcomes = await Promise.all(files.map((file) => uploadAndWait(client, file)));

  const failedRequests = outcomes.filter((outcome) => outcome.error !== undefined).length;
  const ready = outcomes.filter((outcome) => outcome.photo?.status === 'ready').length;
  console.log(`\n${ready} of ${outcomes.length} photos ready. See them at ${baseUrl}, signed in as ${DEMO_EMAIL} (password ${DEMO_PASSWORD}), or in the feed: curl ${new URL('/feed', baseUrl)}`);
  return failedRequests === 0 ? 0 : 1;
}

/** npm runs workspace scripts in the workspace folder, so a relative FOLDER is resolved from where npm was started. */
function resolveFolder(argument: string | undefined): string {
  if (argument === undefined) return DEFAULT_FOLDER;
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), argument);
}

function listImages(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isFile() && contentTypeOf(entry.name) !== undefined)
    .map((entry) => path.join(folder, entry.name))
    .sort();
}

async function isReachable(baseUrl: string): Promise<boolean> {
  try {
    await fetch(new URL('/feed?limit=1', baseUrl));
    return true;
  } catch {
    return false;
  }
}

async function uploadAndWait(client: PhotosClient, file: string): Promise<Outcome> {
  const started = performance.now();
  const name = path.basename(file);
  try {
    const created = await client.uploadFile(file);
    const photo = await client.waitForPhoto(created.id);
    const outcome = { file: name, photo, seconds: (performance.now() - started) / 1000 };
    printOutcome(outcome);
    return outcome;
  } catch (error) {
    const outcome = { file: name, seconds: (performance.now() - started) / 1000, error: (error as Error).message };
    printOutcome(outcome);
    return outcome;
  }
}

function printOutcome(outcome: Outcome): void {
  const time = `${outcome.seconds.toFixed(1)} s`;
  if (outcome.error !== undefined) {
    console.log(`${outcome.file.padEnd(28)} error    ${outcome.error}`);
    return;
  }

  const photo = outcome.photo!;
  if (photo.status === 'ready' && photo.thumbnails) {
    const sizes = Object.entries(photo.thumbnails).map(([size, t]) => `${size} ${t.width}x${t.height} ${formatBytes(t.bytes)}`).join(', ');
    console.log(`${outcome.file.padEnd(28)} ready    ${photo.width}x${photo.height} -> ${sizes}  in ${time}  id ${photo.id}`);
  } else {
    console.log(`${outcome.file.padEnd(28)} ${photo.status.padEnd(8)} ${photo.failureReason ?? ''}  in ${time}  id ${photo.id}`);
  }
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

process.exitCode = await main();
