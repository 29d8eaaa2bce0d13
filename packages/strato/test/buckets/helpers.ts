/**
 * Shared set-up for the bucket tests: a fresh state folder and bucket models
 * shaped as the model resolver builds them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { BucketModel, BucketNotificationModel } from '../../src/model/index.ts';

export function tempStateDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-buckets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function bucketModel(name: string, notifications: readonly BucketNotificationModel[] = []): BucketModel {
  return {
    kind: 'bucket',
    id: `photos.${name}`,
    service: 'photos',
    name,
    physicalName: `demo-photos-${name}`,
    envVar: `STRATO_BUCKET_${name.toUpperCase()}`,
    notifications,
  };
}
