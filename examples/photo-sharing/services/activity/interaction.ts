/**
 * Views and likes as they travel through the `interactions` stream, and the
 * HTTP helpers of the `activity` service.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type Interaction =
  | { readonly type: 'view'; readonly photoId: string; readonly at: string }
  | { readonly type: 'like'; readonly photoId: string; readonly userId: string; readonly at: string };

/** A photo id as the `photos` service issues it: 11 base-36 digits of creation time, then 10 hex digits. */
const PHOTO_ID = /^[0-9a-z]{11}[0-9a-f]{10}$/;

/** Returns the `{id}` of the route, or undefined when it is not a photo id. */
export function photoIdOf(event: APIGatewayProxyEventV2): string | undefined {
  const id = event.pathParameters?.id;
  return id !== undefined && PHOTO_ID.test(id) ? id : undefined;
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

export function invalidPhotoId(event: APIGatewayProxyEventV2): APIGatewayProxyStructuredResultV2 {
  return badRequest('InvalidPhotoId', `"${event.pathParameters?.id ?? ''}" is not a photo id; use the id that POST /photos returned.`);
}
