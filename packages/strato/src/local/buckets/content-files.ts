/**
 * Writes object content to a temporary file while computing its size and
 * MD5, so the store can move it into place with one rename: a crash leaves
 * either the old object or the new one, never half of one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { S3Error } from './errors.ts';
import type { ObjectBody } from './types.ts';

/** S3's limit for one PUT: 5 GB. @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface WrittenContent {
  readonly tempFile: string;
  readonly size: number;
  /** Hex MD5 of the content. */
  readonly md5: string;
}

/** Writes the body to a new file in `tempDir`. Rejects with EntityTooLarge past `maxBytes`, leaving no file behind. */
export async function writeTempContent(tempDir: string, body: ObjectBody, maxBytes = MAX_PUT_BYTES): Promise<WrittenContent> {
  const tempFile = path.join(tempDir, randomBytes(12).toString('hex'));

  if (!(body instanceof Readable)) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.byteLength > maxBytes) throw entityTooLarge(bytes.byteLength, maxBytes);
    await writeFile(tempFile, bytes);
    return { tempFile, size: bytes.byteLength, md5: createHash('md5').update(bytes).digest('hex') };
  }

  const meter = new ContentMeter(maxBytes);
  try {
    await pipeline(body, meter, createWriteStream(tempFile));
  } catch (error) {
    await rm(tempFile, { force: true });
    throw error;
  }
  return { tempFile, size: meter.size, md5: meter.hash.digest('hex') };
}

/** Passes bytes through while counting and hashing them. */
class ContentMeter extends Transform {
  size = 0;
  readonly hash = createHash('md5');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(entityTooLarge(this.size, this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

function entityTooLarge(size: number, maxBytes: number): S3Error {
  return new S3Error('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size: ${size} bytes or more, the maximum for one PUT is ${maxBytes} bytes.`);
}
