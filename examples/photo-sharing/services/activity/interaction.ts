/**
 * Views and likes as they travel through the `interactions` stream, and the
 * HTTP helpers of the `activity` service.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { DatabaseClient } from 'strato/client';

export type Interaction =
  | { readonly type: 'view'; readonly photoId: string; readonly at: string }
  | { readonly type: 'like'; readonly photoId: string; readonly userId: string; readonly at: string };

/** A photo id as the `photos` service issues it: 11 base-36 digits of creation time, then 10 hex digits. */
const PHOTO_ID = /^[0-9a-z]{11}[0-9a-f]{10}$/;

export function isPhotoId(value: string): boolean {
  return PHOTO_ID.test(value);
}

/** Returns the `{id}` of the route, or undefined when it is not a photo id. */
export function photoIdOf(event: APIGatewayProxyEventV2): string | undefined {
  const id = event.pathParameters?.id;
  return id !== undefined && PHOTO_ID.test(id) ? id : undefined;
}

/**
 * Returns whether a `PhotoReady` event announced the photo, which the
 * `on-photo-ready` function records in the `stats` database.
 */
export async function isKnownPhoto(stats: DatabaseClient, photoId: string): Promise<boolean> {
  const { rows } = await stats.query('SELECT 1 FROM photos WHERE photo_id = $1', [photoId]);
  return rows.length > 0;
}

/** Returns the interaction a stream record carries, or undefined for data of another shape. */
export function parseInteraction(data: string): Interaction | undefined {
  let value: Partial<Record<keyof Interaction | 'userId', unknown>>;
  try {
    value = JSON.parse(data) as typeof value;
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, photoId, userId, at } = value;
  if (typeof photoId !== 'string' || !PHOTO_ID.test(photoId) || typeof at !== 'string') return undefined;
  if (type === 'view') return { type, photoId, at };
  if (type === 'like' && typeof userId === 'string' && userId !== '') return { type, photoId, userId, at };
  return undefined;
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function badRequest(code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return json(400, { error: code, message });
}

/**
 * Returns 404 for a photo id that no `PhotoReady` event announced.
 * NOTE: a photo becomes known when its event is delivered, so a view or like
 * sent within moments of the photo turning ready can still get 404.
 */
export function photoNotFound(photoId: string): APIGatewayProxyStructuredResultV2 {
  return json(404, { error: 'PhotoNotFound', message: `No photo has the id "${photoId}", or it is not ready yet. Use the id of a photo in GET /feed.` });
}

/** An id of the wrong form names no photo, so it gets the same 404 as an unknown one, as GET /photos/{id} returns. */
export function invalidPhotoId(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  return photoNotFound(event.pathParameters?.id ?? '');
}
