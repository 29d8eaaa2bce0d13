-- The photos that exist, learned from the `PhotoReady` events of the `photos` service, because a service
-- reads no other service's stores. Views and likes of other ids get 404, and `GET /trending` lists only these.
CREATE TABLE photos (
  photo_id text PRIMARY KEY,
  -- When the first `PhotoReady` event of the photo arrived; a redelivered event leaves it unchanged.
  ready_at timestamptz NOT NULL DEFAULT now()
);
