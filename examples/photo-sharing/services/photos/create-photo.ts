/**
 * `POST /photos`: records a new photo as pending and returns a presigned URL
 * to which the client uploads the original. The upload goes straight to the
 * bucket, so its size is not bound by the function's payload limit.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bucket, table } from 'strato/client';

import { HttpError, json, parseJsonObject, route } from './http.ts';
import { ownerOf } from './owner.ts';
import { newPhotoId, originalKeyOf, type Photo } from './photo.ts';

/** Image formats that sharp reads with its prebuilt binaries. */
const ACCEPTED_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff'];

const FILENAME_MAX_LENGTH = 255;

/** Seconds the upload URL stays valid. */
const UPLOAD_URL_EXPIRES_IN = 900;

const originals = bucket('originals');
const photos = table<Photo>('photos');

interface CreatePhotoRequest {
  readonly contentType: string;
  readonly filename?: string;
}

export const handler = route(async (event: APIGatewayProxyEventV2) => {
  const owner = ownerOf(event);
  const request = validateRequest(parseJsonObject(event));

  const id = newPhotoId();
  const photo: Photo = {
    owner,
    id,
    status: 'pending',
    createdAt: new Date().toISOString(),
    originalKey: originalKeyOf(id),
    contentType: request.contentType,
    ...(request.filename === undefined ? {} : { filename: request.filename }),
  };
  await photos.put(photo, { ifNotExists: true });

  const uploadUrl = await originals.presignPut(photo.originalKey, {
    expiresIn: UPLOAD_URL_EXPIRES_IN,
    contentType: request.contentType,
  });

  return json(201, {
    id,
    status: photo.status,
    uploadUrl,
    // The content type is part of the signature, so the upload must send the same header.
    uploadHeaders: { 'content-type': request.contentType },
    expiresIn: UPLOAD_URL_EXPIRES_IN,
  }, { location: `/photos/${id}` });
});

function validateRequest(body: Record<string, unknown>): CreatePhotoRequest {
  const { contentType, filename } = body;

  if (typeof contentType !== 'string') {
    throw new HttpError(400, 'InvalidContentType', `"contentType" is required and must be a string; received ${JSON.stringify(contentType) ?? 'nothing'}. Use one of ${ACCEPTED_CONTENT_TYPES.join(', ')}.`);
  }
  const normalized = contentType.trim().toLowerCase();
  if (!ACCEPTED_CONTENT_TYPES.includes(normalized)) {
    throw new HttpError(400, 'InvalidContentType', `"${contentType}" is not an accepted image type. Use one of ${ACCEPTED_CONTENT_TYPES.join(', ')}.`);
  }

  if (filename !== undefined && (typeof filename !== 'string' || filename.length === 0 || filename.length > FILENAME_MAX_LENGTH)) {
    throw new HttpError(400, 'InvalidFilename', `"filename" must be a string of 1 to ${FILENAME_MAX_LENGTH} characters; received ${JSON.stringify(filename)}. Leave it out if the photo has no name.`);
  }

  return { contentType: normalized, filename };
}
