/**
 * Shows one photo large in a modal dialog, and records a view of it. The
 * native <dialog> keeps focus inside, closes on Escape and returns focus to
 * the button that opened it.
 */
import { useEffect, useId, useRef } from 'react';

import type { Api, PhotoView } from '../api.ts';
import { photoAlt, photoName } from './PhotoCard.tsx';

interface PhotoDialogProps {
  readonly api: Api;
  readonly photo: PhotoView;
  readonly onClose: () => void;
}

export function PhotoDialog({ api, photo, onClose }: PhotoDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const large = photo.thumbnails?.large;

  useEffect(() => {
    dialogRef.current?.showModal();
    // A view is worth recording, but its failure is no reason to bother the person looking.
    api.viewPhoto(photo.id).catch(() => undefined);
  }, [api, photo.id]);

  return (
    <dialog ref={dialogRef} className="photo-dialog" aria-labelledby={titleId} onClose={onClose}>
      <div className="dialog-heading">
        <h2 id={titleId}>{photoName(photo)}</h2>
        <button type="button" className="secondary" onClick={() => dialogRef.current?.close()}>Close</button>
      </div>
      {large && <img src={large.url} width={large.width} height={large.height} alt={photoAlt(photo)} />}
    </dialog>
  );
}
