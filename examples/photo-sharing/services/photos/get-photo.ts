/** `GET /photos/{id}`: returns one photo of any user, with thumbnail URLs once it is ready. Anyone may read it, as the feed shows it. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { table } from 'strato/client';

import { HttpError, json, route } from './http.ts';
import { findPhoto } from './owner.ts';
import { isPhotoId, type Photo } from './photo.ts';
import { presentPhoto } from './present.ts';

const photos = table<Photo>('photos');

export const handler = route(async (event: APIGatewayProxyEventV2) => {
  const id = event.pathParameters?.id ?? '';

  // An id of the wrong form names no photo, so it gets the same response as an unknown one.
  const photo = isPhotoId(id) ? await findPhoto(photos, id) : undefined;
  if (!photo) {
    throw new HttpError(404, 'PhotoNotFound', `No photo has the id "${id}". Create one with POST /photos.`);
  }

  return json(200, await presentPhoto(photo));
});
