import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { contentTypeOf, isCompressible } from './content-types.ts';

/** A file of the site as it is served, with its compressed forms made once. */
export interface SiteFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: string;
  readonly cacheControl: string;
  readonly gzip?: Buffer;
  readonly brotli?: Buffer;
}

/** Vite and most bundlers name built assets `name-<hash>.ext`; such a file never changes, so browsers may keep it. */
const HASHED_NAME = /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const MIN_COMPRESSED_BYTES = 1024;

/**
 * Reads files of one site folder, keeping each in memory with its compressed
 * forms until its modification time changes.
 */
export class SiteFiles {
  readonly #cache = new Map<string, { mtimeMs: number; file: SiteFile }>();

  constructor(readonly root: string) {}

  /** Maps a URL path to a file inside the root, or nothing for a path that leaves it. */
  resolve(urlPath: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;

    const file = path.resolve(this.root, '.' + path.posix.normalize('/' + decoded));
    return file === this.root || file.startsWith(this.root + path.sep) ? file : undefined;
  }

  /** Returns the served form of a file, or nothing when it does not exist or is a folder. */
  async read(file: string): Promise<SiteFile | undefined> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;

    const cached = this.#cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.file;

    const body = await readFile(file);
    const contentType = contentTypeOf(path.extname(file));
    const compress = isCompressible(contentType) && body.length >= MIN_COMPRESSED_BYTES;
    const served: SiteFile = {
      body,
      contentType,
      etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      lastModified: info.mtime.toUTCString(),
      cacheControl: HASHED_NAME.test(path.basename(file)) ? IMMUTABLE : REVALIDATE,
      gzip: compress ? gzipSync(body) : undefined,
      brotli: compress ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : undefined,
    };
    this.#cache.set(file, { mtimeMs: info.mtimeMs, file: served });
    return served;
  }
}
