/**
 * The owner of a photo, and the lookup of a photo by its id alone.
 *
 * The owner is the signed-in user's id, the `sub` claim that the API's JWT
 * authorizer checked and passed in `requestContext.authorizer.jwt.claims`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { TableClient } from 'strato/client';

import { HttpError } from './http.ts';
import type { Photo } from './photo.ts';

/** The `photos` table's index keyed by photo id, because the feed and the thumbnail maker have a photo's id but not its owner. */
export const PHOTOS_BY_ID = 'by-id';

/** Returns the signed-in user's id. A route without `auth: true` in strato.config.ts has none, so the request gets 401. */
export function ownerOf(event: APIGatewayProxyEventV2): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new HttpError(401, 'Unauthorized', 'The request carries no signed-in user. Send an ID token in the Authorization header, and keep `auth: true` on this route.');
  }
  return sub;
}

/**
 * Returns the photo with this id, of any owner, or undefined.
 * NOTE: on AWS, reads of a global secondary index are eventually consistent,
 * so a photo created a moment ago can be missing here for a short time.
 */
export async function findPhoto(photos: TableClient<Photo>, id: string): Promise<Photo | undefined> {
  const page = await photos.query({ index: PHOTOS_BY_ID, partition: id, limit: 1 });
  return page.items[0];
}
