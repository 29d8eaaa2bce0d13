-- Counts of views and likes per photo, kept by the `count-interactions` consumer of the `interactions` stream.
CREATE TABLE photo_counts (
  photo_id text PRIMARY KEY,
  views integer NOT NULL DEFAULT 0,
  likes integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- `GET /trending` orders by this score.
CREATE INDEX photo_counts_by_score ON photo_counts ((likes * 3 + views) DESC, updated_at DESC);

-- One like per user and photo: a repeated like is accepted and counted once.
CREATE TABLE photo_likes (
  photo_id text NOT NULL,
  user_id text NOT NULL,
  liked_at timestamptz NOT NULL,
  PRIMARY KEY (photo_id, user_id)
);

-- The last stream record applied per shard, written in the same transaction as the counts,
-- so a batch that Lambda delivers again after a crash is not counted twice.
CREATE TABLE stream_checkpoints (
  shard_id text PRIMARY KEY,
  sequence_number numeric NOT NULL
);
