/**
 * `POST /photos/{id}/views`: counts a view of a photo. Public. The view goes
 * into the `interactions` stream, keyed by photo, and is counted within
 * seconds, so the response is 202 Accepted.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { database, stream } from 'strato/client';

import { invalidPhotoId, isKnownPhoto, json, photoIdOf, photoNotFound, type Interaction } from './interaction.ts';

const interactions = stream('interactions');
const stats = database('stats');

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const photoId = photoIdOf(event);
  if (!photoId) return invalidPhotoId(event);
  if (!await isKnownPhoto(stats, photoId)) return photoNotFound(photoId);

  const view: Interaction = { type: 'view', photoId, at: new Date().toISOString() };
  await interactions.put(view, photoId);
  return json(202, { photoId, accepted: 'view' });
}
