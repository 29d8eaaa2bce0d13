/**
 * The signed-in user's photos, newest first. While any is pending, the list
 * is polled until its thumbnails are ready.
 */
import { useEffect, useId, useRef, useState } from 'react';

import type { Api, PhotoView } from '../api.ts';
import { PhotoCard } from './PhotoCard.tsx';

const POLL_INTERVAL_MS = 1000;

interface MyPhotosProps {
  readonly api: Api;
  /** Ids of photos uploaded from this page. A new one triggers a reload. */
  readonly uploadedIds: readonly string[];
  /** Called once for each photo that turns ready after it was seen pending. */
  readonly onReady: (id: string) => void;
}

export function MyPhotos({ api, uploadedIds, onReady }: MyPhotosProps) {
  const [photos, setPhotos] = useState<readonly PhotoView[]>();
  const [error, setError] = useState<string>();
  const pendingSeen = useRef(new Set<string>());
  const headingId = useId();

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function load() {
      try {
        const listed = await api.listPhotos();
        if (cancelled) return;
        setPhotos(listed);
        setError(undefined);
        for (const photo of listed) {
          if (photo.status === 'pending') pendingSeen.current.add(photo.id);
          else if (pendingSeen.current.delete(photo.id) && photo.status === 'ready') onReady(photo.id);
        }
        // A photo uploaded a moment ago may not be listed yet, so keep polling until it is and until none is pending.
        const waiting = listed.some((photo) => photo.status === 'pending') || uploadedIds.some((id) => !listed.some((photo) => photo.id === id));
        if (waiting) timer = setTimeout(load, POLL_INTERVAL_MS);
      } catch (reason) {
        if (cancelled) return;
        setError(reason instanceof Error ? reason.message : String(reason));
        timer = setTimeout(load, POLL_INTERVAL_MS * 5);
      }
    }

    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, uploadedIds, onReady]);

  return (
    <section className="card" aria-labelledby={headingId} aria-busy={photos === undefined}>
      <h2 id={headingId}>Your photos</h2>
      {error && <p className="error" role="alert">Your photos could not be loaded: {error}</p>}
      {photos?.length === 0 && <p>No photos yet. Choose some above to upload them.</p>}
      {photos && photos.length > 0 && (
        <ul className="grid" aria-label="Your photos">
          {photos.map((photo) => <li key={photo.id}><PhotoCard photo={photo} /></li>)}
        </ul>
      )}
    </section>
  );
}
