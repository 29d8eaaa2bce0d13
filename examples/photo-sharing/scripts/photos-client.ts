/**
 * A client of the `photos` API that does what a browser or a phone would:
 * create a photo, upload the original to its presigned URL, then poll until
 * the thumbnails are ready. The demo and the integration tests use it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Content types by file extension, for the formats that `POST /photos` accepts. */
export const IMAGE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

export interface ThumbnailView {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly contentType: string;
}

export interface PhotoView {
  readonly id: string;
  readonly status: 'pending' | 'ready' | 'failed';
  readonly createdAt: string;
  readonly contentType: string;
  readonly filename?: string;
  readonly width?: number;
  readonly height?: number;
  readonly thumbnails?: Readonly<Record<'small' | 'large', ThumbnailView>>;
  readonly failureReason?: string;
}

export interface CreatedPhoto {
  readonly id: string;
  readonly uploadUrl: string;
  readonly uploadHeaders: Readonly<Record<string, string>>;
  readonly expiresIn: number;
}

/** An HTTP response with a status the client did not expect. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly request: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${request} returned HTTP ${status}: ${body}`);
  }
}

export interface WaitOptions {
  /** @default 60000 */
  readonly timeoutMs?: number;
  /** @default 200 */
  readonly intervalMs?: number;
}

export class PhotosClient {
  constructor(
    readonly baseUrl: string,
    /** The signed-in user's ID token, which `POST /photos` and `GET /photos` require. */
    private readonly idToken?: string,
  ) {}

  async createPhoto(request: { contentType: string; filename?: string }): Promise<CreatedPhoto> {
    return this.requestJson<CreatedPhoto>('POST', '/photos', 201, JSON.stringify(request));
  }

  async getPhoto(id: string): Promise<PhotoView> {
    return this.requestJson<PhotoView>('GET', `/photos/${encodeURIComponent(id)}`, 200);
  }

  async listPhotos(options: { limit?: number; cursor?: string } = {}): Promise<{ photos: PhotoView[]; nextCursor?: string }> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const suffix = query.size > 0 ? `?${query}` : '';
    return this.requestJson('GET', `/photos${suffix}`, 200);
  }

  /** Sends the original straight to the bucket through the presigned URL. */
  async upload(created: CreatedPhoto, body: Uint8Array): Promise<void> {
    // Copying into a fresh Uint8Array gives the ArrayBuffer-backed view that fetch's body type requires.
    const response = await fetch(created.uploadUrl, { method: 'PUT', headers: created.uploadHeaders, body: new Uint8Array(body) });
    if (response.status !== 200) {
      throw new UnexpectedResponseError('PUT to the upload URL', response.status, await response.text());
    }
  }

  /** Creates a photo for a file and uploads the file; the file's extension gives its content type unless one is passed. */
  async uploadFile(file: string, contentType = contentTypeOf(file)): Promise<CreatedPhoto> {
    if (!contentType) {
      throw new Error(`${file} has no image extension. Use one of ${Object.keys(IMAGE_CONTENT_TYPES).join(', ')}, or pass the content type.`);
    }
    const body = await readFile(file);
    const created = await this.createPhoto({ contentType, filename: path.basename(file) });
    await this.upload(created, body);
    return created;
  }

  /** Polls the photo until it is no longer pending. Rejects when it stays pending past the timeout. */
  async waitForPhoto(id: string, options: WaitOptions = {}): Promise<PhotoView> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const intervalMs = options.intervalMs ?? 200;
    const deadline = Date.now() + timeoutMs;

    for (;;) {
      const photo = await this.getPhoto(id);
      if (photo.status !== 'pending') return photo;
      if (Date.now() > deadline) {
        throw new Error(`Photo ${id} is still pending after ${timeoutMs} ms. Check the application's log for make-thumbnail errors.`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  private async requestJson<T>(method: string, pathAndQuery: string, expectedStatus: number, body?: string): Promise<T> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (this.idToken) headers.authorization = `Bearer ${this.idToken}`;
    const response = await fetch(new URL(pathAndQuery, this.baseUrl), { method, headers, body });
    const text = await response.text();
    if (response.status !== expectedStatus) {
      throw new UnexpectedResponseError(`${method} ${pathAndQuery}`, response.status, text);
    }
    return JSON.parse(text) as T;
  }
}

export function contentTypeOf(file: string): string | undefined {
  return IMAGE_CONTENT_TYPES[path.extname(file).toLowerCase()];
}
