import { defineApp } from 'strato';

export default defineApp({
  name: 'photo-sharing',
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
          links: ['originals', 'thumbnails', 'photos'],
        },
      },
      routes: {
        'POST /photos': 'create-photo',
        'GET /photos': 'list-photos',
        'GET /photos/{id}': 'get-photo',
      },
      buckets: {
        originals: {
          notifications: [{ function: 'make-thumbnail', events: ['s3:ObjectCreated:*'], prefix: 'uploads/' }],
        },
        thumbnails: {},
      },
      tables: {
        // The sort key `id` is time-ordered, so a descending query lists the newest photos first.
        photos: { partitionKey: 'owner', sortKey: 'id' },
      },
    },
  },
});
