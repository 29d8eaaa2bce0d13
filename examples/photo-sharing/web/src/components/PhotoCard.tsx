/** One photo: its thumbnail when ready, a placeholder while it is made, or the reason it failed. */
import type { PhotoView } from '../api.ts';

interface PhotoCardProps {
  readonly photo: PhotoView;
  /** Text under the photo, such as "by you". */
  readonly note?: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function PhotoCard({ photo, note }: PhotoCardProps) {
  const created = dateFormat.format(new Date(photo.createdAt));
  const name = photo.filename ?? 'Untitled photo';
  const small = photo.thumbnails?.small;
  const large = photo.thumbnails?.large;

  return (
    <figure className={`photo ${photo.status}`} data-photo-id={photo.id} data-status={photo.status}>
      {photo.status === 'ready' && small && (
        <img
          src={small.url}
          srcSet={large ? `${small.url} ${small.width}w, ${large.url} ${large.width}w` : undefined}
          sizes="(max-width: 600px) 50vw, 260px"
          width={small.width}
          height={small.height}
          alt={`${name}, uploaded ${created}`}
          loading="lazy"
        />
      )}
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
        <span className="photo-name">{name}</span>
        <time dateTime={photo.createdAt}>{created}</time>
        {note && <span className="photo-note">{note}</span>}
      </figcaption>
    </figure>
  );
}
