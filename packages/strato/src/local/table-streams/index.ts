/**
 * Table change streams, with DynamoDB Streams' semantics. The public door of
 * this folder.
 *
 * ```ts
 * const streams = new TableStreams({ stateDir, app, invoker: runtime, sendToQueue });
 * const tables = createTableStore({ stateDir, tables: app.tables, onChange: streams.onChange });
 * streams.iteratorAges();   // how far behind each consumer is
 * streams.listAbandoned();  // batches consumers gave up on
 * await streams.close();
 * ```
 */
export { TableStreams, type TableStreamsOptions } from './table-streams.ts';
export { STREAM_RETENTION_MS, type BatchOutcome } from './consumer.ts';
export { buildStreamRecord, sequenceNumber, type StreamViewType } from './stream-record.ts';
export type { AbandonedBatch } from './stream-db.ts';
