/** One photo: its thumbnail when ready, a placeholder while it is made, or the reason it failed. */
import type { ReactNode } from 'react';

import type { PhotoView } from '../api.ts';

interface PhotoCardProps {
  readonly photo: PhotoView;
  /** Text under the photo, such as "by you". */
  readonly note?: string;
  /** Opens the photo large; without it, the thumbnail is not a button. */
  readonly onOpen?: (photo: PhotoView) => void;
  /** Controls under the caption, such as a like button. */
  readonly children?: ReactNode;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function photoName(photo: PhotoView): string {
  return photo.filename ?? 'Untitled photo';
}

/** The alt text of a photo: its name and upload time, because the API stores nothing else about its content. */
export function photoAlt(photo: PhotoView): string {
  return `${photoName(photo)}, uploaded ${dateFormat.format(new Date(photo.createdAt))}`;
}

export function PhotoCard({ photo, note, onOpen, children }: PhotoCardProps) {
  const created = dateFormat.format(new Date(photo.createdAt));
  const small = photo.thumbnails?.small;
  const large = photo.thumbnails?.large;

  const image = small && (
    <img
      src={small.url}
      srcSet={large ? `${small.url} ${small.width}w, ${large.url} ${large.width}w` : undefined}
      sizes="(max-width: 600px) 50vw, 260px"
      width={small.width}
      height={small.height}
      alt={photoAlt(photo)}
      loading="lazy"
    />
  );

  return (
    <figure className={`photo ${photo.status}`} data-photo-id={photo.id} data-status={photo.status}>
      {photo.status === 'ready' && image && (onOpen
        ? <button type="button" className="photo-open" aria-label={`Open ${photoName(photo)}`} onClick={() => onOpen(photo)}>{image}</button>
        : image)}
      {photo.status === 'pending' && (
        <div className="placeholder" role="status">
          <span className="spinner" aria-hidden="true" />
          Making thumbnails…
        </div>
      )}
      {photo.status === 'failed' && (
        <div className="placeholder failed">
          <strong>Could not use this file.</strong> {photo.failureReason}
        </div>
      )}
      <figcaption>
        <span className="photo-name">{photoName(photo)}</span>
        <time dateTime={photo.createdAt}>{created}</time>
        {note && <span className="photo-note">{note}</span>}
        {children && <span className="photo-actions">{children}</span>}
      </figcaption>
    </figure>
  );
}
