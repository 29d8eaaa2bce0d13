/**
 * The view of a photo that `GET /photos` and `GET /photos/{id}` return: the
 * record without its storage details, with a presigned download URL for each
 * thumbnail once the photo is ready.
 */
import { bucket } from 'strato/client';

import { THUMBNAIL_SIZES, type Photo, type ThumbnailSize } from './photo.ts';

/** Seconds a thumbnail URL stays valid. */
export const THUMBNAIL_URL_EXPIRES_IN = 3600;

export interface ThumbnailView {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly contentType: 'image/webp';
}

export interface PhotoView {
  readonly id: string;
  readonly status: Photo['status'];
  readonly createdAt: string;
  readonly contentType: string;
  readonly filename?: string;
  readonly width?: number;
  readonly height?: number;
  readonly thumbnails?: Readonly<Record<ThumbnailSize, ThumbnailView>>;
  readonly failureReason?: string;
}

const thumbnails = bucket('thumbnails');

export async function presentPhoto(photo: Photo): Promise<PhotoView> {
  const view: PhotoView = {
    id: photo.id,
    status: photo.status,
    createdAt: photo.createdAt,
    contentType: photo.contentType,
    filename: photo.filename,
    width: photo.width,
    height: photo.height,
    failureReason: photo.failureReason,
  };
  if (photo.status !== 'ready' || !photo.thumbnails) return view;

  const sizes = Object.keys(THUMBNAIL_SIZES) as ThumbnailSize[];
  const entries = await Promise.all(sizes.map(async (size) => {
    const thumbnail = photo.thumbnails![size];
    const url = await thumbnails.presignGet(thumbnail.key, { expiresIn: THUMBNAIL_URL_EXPIRES_IN });
    const thumbnailView: ThumbnailView = {
      url,
      width: thumbnail.width,
      height: thumbnail.height,
      bytes: thumbnail.bytes,
      contentType: 'image/webp',
    };
    return [size, thumbnailView] as const;
  }));
  return { ...view, thumbnails: Object.fromEntries(entries) as Record<ThumbnailSize, ThumbnailView> };
}
