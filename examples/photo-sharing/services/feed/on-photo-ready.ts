/**
 * `on-photo-ready`: the target of the `photo-ready` rule. Stores each
 * `PhotoReady` event as an item of the feed. Events arrive at least once, and
 * a redelivered event writes the same item again, so duplicates are harmless.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { table } from 'strato/client';

import { problemOf, PUBLIC_FEED, type FeedItem, type PhotoReadyDetail } from './feed-item.ts';

const items = table<FeedItem>('items');

export async function handler(event: EventBridgeEvent<'PhotoReady', PhotoReadyDetail>): Promise<void> {
  // A malformed event fails the same way on every retry, so it is logged and dropped.
  const problem = problemOf(event.detail);
  if (problem) {
    console.warn(`Skipping event ${event.id} from ${event.source}: ${problem}.`);
    return;
  }

  const { id, owner, thumbnails, createdAt } = event.detail;
  await items.put({ feed: PUBLIC_FEED, id, owner, thumbnails, createdAt, eventId: event.id, publishedAt: event.time });
  console.log(`Photo ${id} joined the feed (event ${event.id}).`);
}
