/** Likes a photo once. The like is counted asynchronously, so the button only shows that it was sent. */
import { useState } from 'react';

import type { Api } from '../api.ts';

interface LikeButtonProps {
  readonly api: Api;
  readonly photoId: string;
  readonly photoName: string;
  /** Ids this page liked already, so the button stays pressed after the feed reloads. */
  readonly liked: boolean;
  readonly onLiked: (photoId: string) => void;
}

export function LikeButton({ api, photoId, photoName, liked, onLiked }: LikeButtonProps) {
  const [state, setState] = useState<'idle' | 'sending' | 'failed'>('idle');

  async function like() {
    setState('sending');
    try {
      await api.likePhoto(photoId);
      setState('idle');
      onLiked(photoId);
    } catch {
      setState('failed');
    }
  }

  return (
    <>
      <button
        type="button"
        className="like secondary"
        aria-pressed={liked}
        aria-label={`Like ${photoName}`}
        disabled={liked || state === 'sending'}
        onClick={like}
      >
        <span aria-hidden="true">{liked ? '♥' : '♡'}</span> {liked ? 'Liked' : 'Like'}
      </button>
      {state === 'failed' && <span className="error" role="alert">The like was not sent. Try again.</span>}
    </>
  );
}
