/** Streams with Kinesis Data Streams' semantics, stored in SQLite. */
export { StreamEngine, type StreamEngineOptions } from './engine.ts';
export { StreamError, type StreamErrorName } from './errors.ts';
export { evenHashKeyRanges, partitionKeyHash, shardIdOf } from './hash-keys.ts';
export { MAX_PUT_RECORDS, MAX_PUT_RECORDS_BYTES, MAX_RECORD_DATA_BYTES } from './validate.ts';
export type * from './types.ts';
export { createStreamHandler } from './stream-handler.ts';
