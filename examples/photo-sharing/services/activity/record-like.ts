/**
 * `POST /photos/{id}/likes`: the signed-in user likes a photo. The route has
 * `auth: true`, so the user is the `sub` claim that the JWT authorizer
 * checked. A user's repeated likes of one photo count once.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { database, stream } from 'strato/client';

import { invalidPhotoId, isKnownPhoto, json, photoIdOf, photoNotFound, type Interaction } from './interaction.ts';

const interactions = stream('interactions');
const stats = database('stats');

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const photoId = photoIdOf(event);
  if (!photoId) return invalidPhotoId(event);
  const userId = userIdOf(event);
  if (!userId) {
    return json(401, { error: 'Unauthorized', message: 'The request carries no signed-in user. Send an ID token in the Authorization header.' });
  }
  if (!await isKnownPhoto(stats, photoId)) return photoNotFound(photoId);

  const like: Interaction = { type: 'like', photoId, userId, at: new Date().toISOString() };
  await interactions.put(like, photoId);
  return json(202, { photoId, accepted: 'like' });
}

function userIdOf(event: APIGatewayProxyEventV2): string | undefined {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  return typeof claims?.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
}
