import { defineApp } from 'strato';

// Each consumer appends the ids it receives to this file, which outlives a SIGKILL of the local cloud.
const environment = { DELIVERED_LOG: process.env.CRASH_DELIVERED_LOG ?? 'delivered.log' };

// After a restart every path's backlog starts environments at once. On a busy machine their cold starts can
// outlast Lambda's default 3 s timeout, and a timed-out asynchronous event waits a minute for its retry.
const consumer = { environment, timeout: 30 };

/**
 * The application of the cross-cutting crash test: `POST /produce` sends each
 * id to a queue, a stream, the bus, a bucket and a streamed table at once,
 * and one consumer per path records what arrives.
 */
export default defineApp({
  name: 'crash',
  services: {
    flow: {
      functions: {
        produce: { handler: 'src/handlers.produce', links: ['work', 'clicks', 'bus', 'uploads', 'items'], timeout: 30 },
        'on-queue': { handler: 'src/handlers.onQueue', ...consumer },
        'on-stream': { handler: 'src/handlers.onStream', ...consumer },
        'on-event': { handler: 'src/handlers.onEvent', ...consumer },
        'on-upload': { handler: 'src/handlers.onUpload', ...consumer },
        'on-change': { handler: 'src/handlers.onChange', ...consumer },
      },
      routes: { 'POST /produce': 'produce' },
      // A short visibility timeout brings back the messages in flight at a kill soon after the restart. It is shorter
      // than the consumer's timeout, unlike AWS's advice, so a slow batch is delivered twice rather than waited for.
      queues: {
        work: { visibilityTimeout: 5, consumer: { function: 'on-queue', batchSize: 10 } },
        relay: { visibilityTimeout: 5, consumer: { function: 'on-queue', batchSize: 10 } },
      },
      streams: { clicks: { shards: 2, consumers: [{ function: 'on-stream', startingPosition: 'TRIM_HORIZON', batchSize: 50 }] } },
      rules: { produced: { pattern: { source: ['crash.flow'] }, targets: [{ function: 'on-event' }, { queue: 'relay' }] } },
      buckets: { uploads: { notifications: [{ function: 'on-upload', events: ['s3:ObjectCreated:*'], prefix: 'in/', suffix: '' }] } },
      tables: { items: { partitionKey: 'id', stream: { viewType: 'KEYS_ONLY', consumers: [{ function: 'on-change', startingPosition: 'TRIM_HORIZON', batchSize: 50 }] } } },
    },
  },
});
