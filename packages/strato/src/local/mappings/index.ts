/**
 * Event source mappings: pollers that read queues and sharded sources and
 * invoke functions with batches, as Lambda's event source mappings do.
 */
export { EventSourceMappings, type EventSourceMappingsOptions, type MappingStats } from './event-source-mappings.ts';
export { QueueMapping, type QueueMappingOptions } from './queue-mapping.ts';
export { StreamMapping, type StreamMappingOptions } from './stream-mapping.ts';
export { CheckpointStore } from './checkpoints.ts';
export { kinesisSource, executionRoleArn, type KinesisSourceRecord } from './kinesis-source.ts';
export { toSqsEvent } from './sqs-event.ts';
export { readBatchItemFailures, type BatchItemFailures } from './batch-item-failures.ts';
export { failureRecord, type FailureCondition } from './failure-record.ts';
export type * from './types.ts';
