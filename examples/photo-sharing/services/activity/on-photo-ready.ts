/**
 * `on-photo-ready`: the target of the activity service's `photo-ready` rule.
 * Records each photo that `PhotoReady` announces in the `photos` table of
 * the `stats` database, so that views and likes of photos that do not exist
 * are rejected. The bus delivers events at least once, and recording a
 * known photo again changes nothing.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { database } from 'strato/client';

import { isPhotoId } from './interaction.ts';

const stats = database('stats');

export async function handler(event: EventBridgeEvent<'PhotoReady', unknown>): Promise<void> {
  const id = (event.detail as { id?: unknown } | null)?.id;
  // A malformed event fails the same way on every retry, so it is logged and dropped.
  if (typeof id !== 'string' || !isPhotoId(id)) {
    console.warn(`Skipping event ${event.id} from ${event.source}: detail.id ${JSON.stringify(id)} is not a photo id.`);
    return;
  }

  const { rowCount } = await stats.query('INSERT INTO photos (photo_id) VALUES ($1) ON CONFLICT (photo_id) DO NOTHING', [id]);
  console.log(rowCount > 0 ? `Photo ${id} can now be viewed and liked (event ${event.id}).` : `Photo ${id} was already known (event ${event.id}).`);
}
