import { defineApp } from 'strato';

export default defineApp({
  name: 'photo-sharing',
  // The user pool: people sign up and sign in from the web UI, and routes with `auth: true` require their token.
  auth: {},
  services: {
    photos: {
      functions: {
        'create-photo': { handler: 'services/photos/create-photo.handler', links: ['photos', 'originals'] },
        'list-photos': { handler: 'services/photos/list-photos.handler', links: ['photos', 'thumbnails'] },
        'get-photo': { handler: 'services/photos/get-photo.handler', links: ['photos', 'thumbnails'] },
        // Decoding a 12-megapixel JPEG and encoding two WebP sizes needs more than the default 128 MB and 3 s.
        'make-thumbnail': {
          handler: 'services/photos/make-thumbnail.handler',
          memory: 1024,
          timeout: 30,
          links: ['originals', 'thumbnails', 'photos', 'bus'],
        },
      },
      routes: {
        // Creating a photo and listing one's own need a signed-in user; the owner is the token's `sub`.
        'POST /photos': { function: 'create-photo', auth: true },
        'GET /photos': { function: 'list-photos', auth: true },
        'GET /photos/{id}': 'get-photo',
      },
      buckets: {
        originals: {
          notifications: [{ function: 'make-thumbnail', events: ['s3:ObjectCreated:*'], prefix: 'uploads/' }],
        },
        thumbnails: {},
      },
      tables: {
        // The partition key is the user's id; the sort key `id` is time-ordered, so a descending query lists the newest photos first.
        // `by-id` finds a photo by its id alone, for `GET /photos/{id}` and `make-thumbnail`.
        photos: { partitionKey: 'owner', sortKey: 'id', indexes: { 'by-id': { partitionKey: 'id' } } },
      },
    },
    feed: {
      functions: {
        'on-photo-ready': { handler: 'services/feed/on-photo-ready.handler', links: ['items'] },
        'list-feed': { handler: 'services/feed/list-feed.handler', links: ['items'] },
      },
      routes: {
        'GET /feed': 'list-feed',
      },
      rules: {
        // The feed follows new photos through the bus, never through the stores of the photos service.
        'photo-ready': {
          pattern: { source: ['photo-sharing.photos'], 'detail-type': ['PhotoReady'] },
          targets: [{ function: 'on-photo-ready' }],
        },
      },
      tables: {
        // The sort key is the photo id, which is time-ordered, so a descending query lists the newest first.
        items: { partitionKey: 'feed', sortKey: 'id' },
      },
    },
    activity: {
      functions: {
        'record-view': { handler: 'services/activity/record-view.handler', links: ['interactions', 'stats'] },
        'record-like': { handler: 'services/activity/record-like.handler', links: ['interactions', 'stats'] },
        'count-interactions': { handler: 'services/activity/count-interactions.handler', links: ['stats'] },
        'list-trending': { handler: 'services/activity/list-trending.handler', links: ['stats'] },
        'on-photo-ready': { handler: 'services/activity/on-photo-ready.handler', links: ['stats'] },
      },
      routes: {
        // Views are public; a like needs a signed-in user, whose `sub` keeps likes to one per user and photo.
        'POST /photos/{id}/views': 'record-view',
        'POST /photos/{id}/likes': { function: 'record-like', auth: true },
        'GET /trending': 'list-trending',
      },
      rules: {
        // Activity learns which photos exist from the bus, as the feed does, so views and likes of other ids get 404.
        'photo-ready': {
          pattern: { source: ['photo-sharing.photos'], 'detail-type': ['PhotoReady'] },
          targets: [{ function: 'on-photo-ready' }],
        },
      },
      streams: {
        // Keyed by photo id. The consumer counts up to 100 records at a time, gathered for at most 1 s,
        // from the oldest record on, so views sent before the consumer starts are counted too.
        interactions: {
          consumers: [{ function: 'count-interactions', batchSize: 100, maxBatchingWindow: 1, startingPosition: 'TRIM_HORIZON' }],
        },
      },
      databases: {
        stats: { migrations: 'migrations/activity' },
      },
    },
    web: {
      // The web UI: built with Vite at start, served at the API's origin, so it calls the API without CORS.
      sites: {
        app: { dir: 'web/dist', build: 'npm run build', cwd: 'web' },
      },
    },
  },
});
