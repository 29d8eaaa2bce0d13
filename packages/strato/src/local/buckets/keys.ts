/**
 * Object keys: S3's validation rules, and the mapping from a key to the file
 * that contains its content. Files are named by a hash of the key, never by the
 * key itself, so a key such as `../../etc/passwd` (a legal S3 key) cannot
 * name a path outside its bucket's folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';

import { S3Error } from './errors.ts';

/** S3 rejects keys longer than 1024 bytes of UTF-8. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html */
export const MAX_KEY_BYTES = 1024;

/** Returns the key's UTF-8 bytes after checking it as S3 does. */
export function validateKey(key: unknown): Buffer {
  if (typeof key !== 'string' || key.length === 0) {
    throw new S3Error('InvalidArgument', `Invalid object key ${JSON.stringify(key)}: a key is a non-empty string.`);
  }

  const bytes = Buffer.from(key, 'utf8');
  // A lone UTF-16 surrogate has no UTF-8 form: Buffer.from replaces it, so the round trip differs.
  if (bytes.toString('utf8') !== key) {
    throw new S3Error('InvalidArgument', `Invalid object key ${JSON.stringify(key)}: it is not valid Unicode (it has a lone surrogate).`);
  }
  if (bytes.length > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', `Your key is too long: ${bytes.length} bytes of UTF-8, the maximum is ${MAX_KEY_BYTES}. Key starts with "${key.slice(0, 64)}".`);
  }
  return bytes;
}

/**
 * Returns a new file name, relative to the bucket folder, for one version of
 * the key's content. A fresh random part per write lets a reader keep
 * streaming the old content while a new write replaces it.
 */
export function newObjectFileName(key: string): string {
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  return path.join(digest.slice(0, 2), `${digest}-${randomBytes(6).toString('hex')}`);
}

/** Returns the smallest byte string greater than every string that starts with `prefix`, or undefined when none exists. */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  const bound = Buffer.from(prefix);
  for (let i = bound.length - 1; i >= 0; i--) {
    if (bound[i]! < 0xff) {
      bound[i]! += 1;
      return bound.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** Returns the smallest byte string greater than `key`: the key followed by a zero byte. */
export function successorOf(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.alloc(1)]);
}
