/**
 * Starts the reference application in the local cloud on a free port, with
 * fresh state, for one test file.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

import { LocalCloud } from '../../../packages/strato/src/local/index.ts';
import { loadApp } from '../../../packages/strato/src/model/index.ts';
import { signInLocalUser, type LocalUser } from '../scripts/local-user.ts';
import { PhotosClient, type PhotoView } from '../scripts/photos-client.ts';

export const APP_DIR = path.resolve(import.meta.dirname, '..');
const REPO_ROOT = path.resolve(APP_DIR, '../..');

/** Real camera photos and a portrait PNG, kept outside the repository. */
export const SAMPLE_PHOTOS_DIR = path.resolve(REPO_ROOT, '../shared/samples/photos');
export const DEMO_PHOTOS_DIR = path.join(APP_DIR, 'demo-photos');

export interface RunningApp {
  readonly url: string;
  /** A client signed in as `user`. */
  readonly client: PhotosClient;
  /** A user signed up and signed in for the test. */
  readonly user: LocalUser;
  /** Every log line of the local cloud and its functions so far, to show when a test fails. */
  readonly logs: readonly string[];
  /** The local cloud itself, for tests that invoke a function directly. */
  readonly cloud: LocalCloud;
  stop(): Promise<void>;
}

export async function startPhotoSharing(): Promise<RunningApp> {
  // The state folder must lie inside the application folder, because bundles
  // resolve the packages they leave out (sharp) from the node_modules above them.
  const stateRoot = path.join(APP_DIR, '.strato');
  mkdirSync(stateRoot, { recursive: true });
  const stateDir = mkdtempSync(path.join(stateRoot, 'test-'));

  const logs: string[] = [];
  const app = await loadApp(APP_DIR);
  const cloud = await LocalCloud.start({ app, port: 0, stateDir, logSink: (line) => logs.push(line) });

  const user = await signInLocalUser(cloud.url, 'tester@example.com', 'Test-Password-1');

  return {
    url: cloud.url,
    client: new PhotosClient(cloud.url, user.idToken),
    user,
    logs,
    cloud,
    async stop() {
      await cloud.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls a photo until it is no longer pending; on a timeout the error shows the log of `make-thumbnail`. */
export async function waitForPhoto(running: RunningApp, id: string): Promise<PhotoView> {
  try {
    return await running.client.waitForPhoto(id, { timeoutMs: 30_000 });
  } catch (error) {
    const log = running.logs.filter((line) => line.includes('make-thumbnail')).slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\nLog of make-thumbnail:\n${log}`);
  }
}
