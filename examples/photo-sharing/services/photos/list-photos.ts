/**
 * `GET /photos?limit=N&cursor=C`: lists the signed-in user's photos, newest first, one page at a
 * time. `nextCursor` is present while more photos follow; pass it back as
 * `cursor` to get the next page.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { table, type Key } from 'strato/client';

import { HttpError, json, route } from './http.ts';
import { ownerOf } from './owner.ts';
import { isPhotoId, type Photo } from './photo.ts';
import { presentPhoto } from './present.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const photos = table<Photo>('photos');

type PhotoKey = { readonly owner: string; readonly id: string };

export const handler = route(async (event: APIGatewayProxyEventV2) => {
  const owner = ownerOf(event);
  const limit = parseLimit(event.queryStringParameters?.limit);
  const startKey = parseCursor(event.queryStringParameters?.cursor, owner);

  const page = await photos.query({ partition: owner, descending: true, limit, startKey });

  return json(200, {
    photos: await Promise.all(page.items.map(presentPhoto)),
    ...(page.lastKey ? { nextCursor: encodeCursor(page.lastKey) } : {}),
  });
});

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;

  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new HttpError(400, 'InvalidLimit', `limit "${value}" is not valid. Use a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return limit;
}

/** Encodes the table's last evaluated key as base64url JSON, so the next page starts right after it. */
function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify({ owner: key.owner, id: key.id })).toString('base64url');
}

function parseCursor(value: string | undefined, owner: string): PhotoKey | undefined {
  if (value === undefined) return undefined;

  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const candidate = key as Partial<PhotoKey> | undefined;
  if (candidate?.owner !== owner || typeof candidate.id !== 'string' || !isPhotoId(candidate.id)) {
    throw new HttpError(400, 'InvalidCursor', `cursor "${value}" is not valid. Pass the nextCursor of the previous page unchanged.`);
  }
  return { owner: candidate.owner, id: candidate.id };
}
