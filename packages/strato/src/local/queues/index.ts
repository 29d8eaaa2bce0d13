/** Queues with SQS's semantics, stored in SQLite. */
export { QueueEngine, type QueueEngineOptions, type MessageMoveTask } from './engine.ts';
export { QueueError, type QueueErrorName } from './errors.ts';
export { md5OfBody, md5OfMessageAttributes } from './checksums.ts';
export { MAX_MESSAGE_BYTES } from './validate.ts';
export type * from './types.ts';
export { createQueueHandler } from './queue-handler.ts';
