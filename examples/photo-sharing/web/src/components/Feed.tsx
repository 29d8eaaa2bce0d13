/**
 * The public feed: photos of every user, newest first. The feed lists ids,
 * and each photo's thumbnail URLs come from `GET /photos/{id}`. Signed-in users
 * can like photos.
 */
import { useEffect, useId, useState } from 'react';

import type { Api, FeedItem, PhotoView } from '../api.ts';
import { LikeButton } from './LikeButton.tsx';
import { PhotoCard, photoName } from './PhotoCard.tsx';

const RETRY_INTERVAL_MS = 1000;

interface FeedProps {
  readonly api: Api;
  /** Photos known to be ready; the feed reloads until each appears, as the feed service adds it a moment later. */
  readonly awaitedIds: readonly string[];
  /** The signed-in user's id, to mark their own photos and offer likes. Undefined when signed out. */
  readonly userId?: string;
  readonly likedIds: readonly string[];
  readonly onLiked: (photoId: string) => void;
  readonly onOpen: (photo: PhotoView) => void;
}

interface Entry {
  readonly item: FeedItem;
  readonly photo: PhotoView;
}

export function Feed({ api, awaitedIds, userId, likedIds, onLiked, onOpen }: FeedProps) {
  const [entries, setEntries] = useState<readonly Entry[]>();
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);
  const headingId = useId();

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function load() {
      try {
        const items = await api.listFeed();
        const loaded = await Promise.all(items.map(async (item) => ({ item, photo: await api.photo(item.id) })));
        if (cancelled) return;
        setEntries(loaded);
        setError(undefined);
        if (awaitedIds.some((id) => !items.some((item) => item.id === id))) timer = setTimeout(load, RETRY_INTERVAL_MS);
      } catch (reason) {
        if (!cancelled) setError(reason instanceof Error ? reason.message : String(reason));
      }
    }

    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, awaitedIds, reloads]);

  return (
    <section className="card" aria-labelledby={headingId} aria-busy={entries === undefined}>
      <div className="section-heading">
        <h2 id={headingId}>Feed</h2>
        <button type="button" className="secondary" onClick={() => setReloads((count) => count + 1)}>Refresh feed</button>
      </div>
      {error && <p className="error" role="alert">The feed could not be loaded: {error}</p>}
      {entries?.length === 0 && <p>The feed is empty. Photos appear here once their thumbnails are made.</p>}
      {entries && entries.length > 0 && (
        <ul className="grid" aria-label="Feed">
          {entries.map(({ item, photo }) => (
            <li key={item.id}>
              <PhotoCard photo={photo} onOpen={onOpen} note={userId !== undefined && item.owner === userId ? 'by you' : undefined}>
                {userId !== undefined && (
                  <LikeButton api={api} photoId={item.id} photoName={photoName(photo)} liked={likedIds.includes(item.id)} onLiked={onLiked} />
                )}
              </PhotoCard>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
