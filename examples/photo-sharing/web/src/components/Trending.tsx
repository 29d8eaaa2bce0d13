/**
 * The most liked and viewed photos, from `GET /trending`. Likes and views
 * are counted in batches a moment after they are sent, so the list is
 * reloaded every few seconds while the page is visible.
 */
import { useEffect, useId, useState } from 'react';

import type { Api, PhotoView, TrendingItem } from '../api.ts';
import { PhotoCard } from './PhotoCard.tsx';

const RELOAD_INTERVAL_MS = 3000;

interface TrendingProps {
  readonly api: Api;
  readonly onOpen: (photo: PhotoView) => void;
}

interface Entry {
  readonly item: TrendingItem;
  readonly photo: PhotoView;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function Trending({ api, onOpen }: TrendingProps) {
  const [entries, setEntries] = useState<readonly Entry[]>();
  const [error, setError] = useState<string>();
  const headingId = useId();

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function load() {
      try {
        if (document.visibilityState === 'visible') {
          const items = await api.listTrending();
          // Views can be recorded for an id whose photo was never uploaded, so such entries are left out.
          const settled = await Promise.allSettled(items.map(async (item) => ({ item, photo: await api.photo(item.photoId) })));
          if (cancelled) return;
          setEntries(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
          setError(undefined);
        }
      } catch (reason) {
        if (cancelled) return;
        setError(reason instanceof Error ? reason.message : String(reason));
      }
      timer = setTimeout(load, RELOAD_INTERVAL_MS);
    }

    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api]);

  return (
    <section className="card" aria-labelledby={headingId} aria-busy={entries === undefined}>
      <h2 id={headingId}>Trending</h2>
      {error && <p className="error" role="alert">Trending photos could not be loaded: {error}</p>}
      {entries?.length === 0 && <p>Nothing is trending yet. Like or open a photo in the feed.</p>}
      {entries && entries.length > 0 && (
        <ol className="grid" aria-label="Trending">
          {entries.map(({ item, photo }) => (
            <li key={item.photoId}>
              <PhotoCard photo={photo} onOpen={onOpen} note={`${plural(item.likes, 'like')} · ${plural(item.views, 'view')}`} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
