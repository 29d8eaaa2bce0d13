/**
 * The image work of `make-thumbnail`: orients the original by its EXIF
 * orientation and renders one WebP image per thumbnail size.
 */
import sharp from 'sharp';

import { THUMBNAIL_SIZES, type ThumbnailSize } from './photo.ts';

const WEBP_QUALITY = 80;

export interface RenderedThumbnail {
  readonly size: ThumbnailSize;
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export interface RenderedPhoto {
  /** Width and height of the original once its EXIF orientation is applied. */
  readonly width: number;
  readonly height: number;
  readonly thumbnails: readonly RenderedThumbnail[];
}

/**
 * Renders every thumbnail size of an original. Rejects with sharp's error
 * when the bytes are not an image that sharp can decode.
 *
 * The output carries no metadata: sharp writes EXIF (camera, capture time,
 * GPS location), XMP and ICC data only when `withMetadata` or a `keep*`
 * option requests it, and none is used here. `rotate()` without an angle
 * turns the pixels by the EXIF orientation first, so a thumbnail needs no
 * orientation tag to display upright.
 */
export async function renderThumbnails(original: Uint8Array): Promise<RenderedPhoto> {
  // 'error' accepts the minor decoder warnings that many phone JPEGs cause, and still rejects files that cannot be decoded.
  const oriented = sharp(original, { failOn: 'error' }).rotate();
  const metadata = await oriented.metadata();
  const { width, height } = metadata.autoOrient;

  const thumbnails = await Promise.all(
    (Object.entries(THUMBNAIL_SIZES) as [ThumbnailSize, number][]).map(async ([size, longSide]) => {
      const { data, info } = await oriented
        .clone()
        .resize({ width: longSide, height: longSide, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: WEBP_QUALITY })
        .toBuffer({ resolveWithObject: true });
      return { size, data, width: info.width, height: info.height };
    }),
  );

  return { width, height, thumbnails };
}
