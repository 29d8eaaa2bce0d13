/**
 * `POST /photos/{id}/views`: counts a view of a photo. Public. The view goes
 * into the `interactions` stream, keyed by photo, and is counted within
 * seconds, so the response is 202 Accepted.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stream } from 'strato/client';

import { invalidPhotoId, json, photoIdOf, type Interaction } from './interaction.ts';

const interactions = stream('interactions');

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const photoId = photoIdOf(event);
  if (!photoId) return invalidPhotoId(event);

  const view: Interaction = { type: 'view', photoId, at: new Date().toISOString() };
  await interactions.put(view, photoId);
  return json(202, { photoId, accepted: 'view' });
}
