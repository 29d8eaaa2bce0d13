/**
 * Uploads photos: for each chosen file, `POST /photos` returns a presigned
 * URL, and the file goes straight to the bucket with a progress bar.
 */
import { useId, useState, type ChangeEvent, type RefObject } from 'react';

import { uploadFile, type Api } from '../api.ts';

/** The image types that `POST /photos` accepts. */
const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/gif,image/avif,image/tiff';

interface Upload {
  readonly key: number;
  readonly name: string;
  readonly progress: number;
  readonly state: 'uploading' | 'done' | 'failed';
  readonly error?: string;
}

interface UploadFormProps {
  readonly api: Api;
  readonly headingRef: RefObject<HTMLHeadingElement | null>;
  /** Called with the id of each photo whose file is uploaded. Its thumbnails are made next. */
  readonly onUploaded: (id: string) => void;
}

let nextKey = 0;

export function UploadForm({ api, headingRef, onUploaded }: UploadFormProps) {
  const [uploads, setUploads] = useState<readonly Upload[]>([]);
  const inputId = useId();
  const hintId = useId();
  const headingId = useId();

  function update(key: number, change: Partial<Upload>) {
    setUploads((current) => current.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));
  }

  async function start(file: File) {
    const key = nextKey++;
    setUploads((current) => [{ key, name: file.name, progress: 0, state: 'uploading' }, ...current]);
    try {
      const created = await api.createPhoto(file);
      await uploadFile(created, file, (progress) => update(key, { progress }));
      update(key, { state: 'done', progress: 1 });
      onUploaded(created.id);
    } catch (reason) {
      update(key, { state: 'failed', error: reason instanceof Error ? reason.message : String(reason) });
    }
  }

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.target.files ?? [])];
    // Clearing the input lets the same file be chosen again.
    event.target.value = '';
    for (const file of files) void start(file);
  }

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>Upload photos</h2>
      <div className="file-picker">
        <label htmlFor={inputId} className="button">Choose photos</label>
        <input id={inputId} className="visually-hidden-input" type="file" accept={ACCEPTED_TYPES} multiple aria-describedby={hintId} onChange={choose} />
        <p id={hintId} className="hint">JPEG, PNG, WebP, GIF, AVIF or TIFF. Thumbnails appear below once they are made.</p>
      </div>

      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((upload) => <UploadRow key={upload.key} upload={upload} />)}
        </ul>
      )}
    </section>
  );
}

function UploadRow({ upload }: { upload: Upload }) {
  const labelId = useId();
  const percent = Math.round(upload.progress * 100);
  return (
    <li className={`upload ${upload.state}`}>
      <span id={labelId} className="upload-name">{upload.name}</span>
      <progress aria-labelledby={labelId} max={100} value={percent}>{percent}%</progress>
      {/* The progress bar carries the percentage for assistive technology, so only the outcome is announced. */}
      <span className="upload-state">
        {upload.state === 'uploading' && <span aria-hidden="true">{percent}%</span>}
        <span role="status">
          {upload.state === 'done' && 'Uploaded'}
          {upload.state === 'failed' && <span className="error">Failed: {upload.error}</span>}
        </span>
      </span>
    </li>
  );
}
