/**
 * The `feed` service's own view of photos: one item per `PhotoReady` event,
 * kept in its `items` table. The service never reads the `photos` service's
 * stores; the event carries what the feed shows.
 */

/** One stored size of a photo, as `PhotoReady` describes it. */
export interface FeedThumbnail {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
}

/** The `detail` of a `PhotoReady` event, as the `photos` service publishes it. */
export interface PhotoReadyDetail {
  readonly id: string;
  readonly owner?: string;
  readonly thumbnails: Readonly<Record<string, FeedThumbnail>>;
  /** ISO 8601 time the photo was created. */
  readonly createdAt: string;
}

export interface FeedItem {
  /** Partition key: the one public feed. */
  readonly feed: string;
  /** Sort key: the photo id, which is time-ordered, so a descending query lists the newest photos first. */
  readonly id: string;
  readonly owner?: string;
  readonly thumbnails: Readonly<Record<string, FeedThumbnail>>;
  readonly createdAt: string;
  /** Id of the bus event the item came from. */
  readonly eventId: string;
  /** ISO 8601 time the event was published, in whole seconds. */
  readonly publishedAt: string;
}

/** The bus event that announces a photo with its thumbnails. */
export const PHOTO_READY = { source: 'photo-sharing.photos', detailType: 'PhotoReady' } as const;

/**
 * The feed every photo goes to.
 * NOTE: the application has no users yet, so there is one public feed.
 */
export const PUBLIC_FEED = 'public';

/** Returns why a `PhotoReady` detail cannot become a feed item, or `undefined` when it can. */
export function problemOf(detail: unknown): string | undefined {
  if (typeof detail !== 'object' || detail === null) return 'the detail is not an object';
  const { id, thumbnails, createdAt, owner } = detail as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return 'the detail has no photo id';
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return `createdAt ${JSON.stringify(createdAt)} is not an ISO 8601 time`;
  if (owner !== undefined && typeof owner !== 'string') return 'owner is not a string';
  if (typeof thumbnails !== 'object' || thumbnails === null || Array.isArray(thumbnails)) return 'thumbnails is not an object of sizes';
  return undefined;
}
