/**
 * The photo record that the `photos` table stores, and the names derived
 * from it: its id, the key of its original and the keys of its thumbnails.
 */
import { randomBytes } from 'node:crypto';

export type PhotoStatus = 'pending' | 'ready' | 'failed';

/** One stored size of a photo, in the `thumbnails` bucket. */
export interface Thumbnail {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

export interface Photo {
  /** Partition key: the id of the user who uploaded the photo (the `sub` claim of their token). */
  readonly owner: string;
  /** Sort key: time-ordered, so a descending query lists the newest photos first. */
  readonly id: string;
  readonly status: PhotoStatus;
  /** ISO 8601 time of `POST /photos`. */
  readonly createdAt: string;
  /** Key of the uploaded file in the `originals` bucket. */
  readonly originalKey: string;
  /** Content type the client declared for the upload. */
  readonly contentType: string;
  readonly filename?: string;
  /** Width and height of the original after its EXIF orientation is applied. */
  readonly width?: number;
  readonly height?: number;
  /** ETag of the original that the thumbnails were made from, to skip a redelivered event. */
  readonly sourceETag?: string;
  readonly thumbnails?: Readonly<Record<ThumbnailSize, Thumbnail>>;
  /** Reason the thumbnails could not be made, when `status` is `failed`. */
  readonly failureReason?: string;
  readonly updatedAt?: string;
}

/** Prefix of original uploads in the `originals` bucket; the notification that starts `make-thumbnail` filters on it. */
export const UPLOAD_PREFIX = 'uploads/';

/** Length in pixels of the longer side of each thumbnail. */
export const THUMBNAIL_SIZES = { small: 320, large: 1280 } as const;
export type ThumbnailSize = keyof typeof THUMBNAIL_SIZES;

const ID_PATTERN = /^[0-9a-z]{11}[0-9a-f]{10}$/;

/**
 * Creates a photo id: the creation time in microseconds as 11 base-36
 * digits, then 10 random hex digits. Ids sort by creation time as plain
 * strings. Microseconds keep two photos created one after the other in order
 * even within one millisecond.
 */
export function newPhotoId(nowMicroseconds = currentMicroseconds()): string {
  return Math.floor(nowMicroseconds).toString(36).padStart(11, '0') + randomBytes(5).toString('hex');
}

function currentMicroseconds(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

export function isPhotoId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function originalKeyOf(id: string): string {
  return `${UPLOAD_PREFIX}${id}`;
}

/** Returns the photo id in an original's key, or undefined for a key outside the upload prefix. */
export function photoIdOfKey(key: string): string | undefined {
  if (!key.startsWith(UPLOAD_PREFIX)) return undefined;
  const id = key.slice(UPLOAD_PREFIX.length);
  return isPhotoId(id) ? id : undefined;
}

export function thumbnailKeyOf(id: string, size: ThumbnailSize): string {
  return `${id}/${THUMBNAIL_SIZES[size]}.webp`;
}
