import { existsSync } from 'node:fs';
import path from 'node:path';

import type { BucketConfig, DatabaseConfig, QueueConfig, StreamConfig, TableConfig } from './config.ts';
import type { BucketModel, DatabaseModel, IndexModel, QueueModel, StreamModel, TableModel } from './model.ts';
import { checkName, checkRange, functionRef, resourceNames, type ServiceScope } from './resolve-context.ts';
import { resolveStreamConsumer } from './resolve-events.ts';

const BUCKET_EVENTS = new Set(['s3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete']);
const VIEW_TYPES = new Set(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);

export function resolveBucket(scope: ServiceScope, name: string, config: BucketConfig): BucketModel {
  const place = `services.${scope.service}.buckets.${name}`;
  checkName(place, 'bucket', name, scope.report);

  const notifications = (config.notifications ?? []).map((notification, index) => {
    const at = `${place}.notifications[${index}]`;
    const events = Array.isArray(notification.events) ? notification.events : [];
    if (events.length === 0) {
      scope.report(`${at}.events`, 'no events are listed.', 'List at least one event, such as `s3:ObjectCreated:*`.');
    }
    for (const event of events.filter((e) => !BUCKET_EVENTS.has(e))) {
      scope.report(`${at}.events`, `"${event}" is not a supported event.`, `Use one of ${[...BUCKET_EVENTS].join(', ')}.`);
    }
    return {
      functionId: functionRef(scope, `${at}.function`, notification.function),
      events,
      prefix: notification.prefix ?? '',
      suffix: notification.suffix ?? '',
    };
  });

  return { kind: 'bucket', ...resourceNames(scope, name, 'BUCKET'), notifications };
}

export function resolveTable(scope: ServiceScope, name: string, config: TableConfig): TableModel {
  const place = `services.${scope.service}.tables.${name}`;
  checkName(place, 'table', name, scope.report);
  checkKeys(scope, place, config);

  const indexes: IndexModel[] = Object.entries(config?.indexes ?? {}).map(([indexName, index]) => {
    checkKeys(scope, `${place}.indexes.${indexName}`, index);
    return { name: indexName, partitionKey: index.partitionKey, sortKey: index.sortKey, sortKeyType: index.sortKeyType ?? 'string' };
  });

  let stream: TableModel['stream'];
  if (config?.stream) {
    if (!VIEW_TYPES.has(config.stream.viewType)) {
      scope.report(`${place}.stream.viewType`, `"${String(config.stream.viewType)}" is not a stream view type.`, `Use one of ${[...VIEW_TYPES].join(', ')}.`);
    }
    const consumers = (config.stream.consumers ?? []).map((consumer, index) => {
      const at = `${place}.stream.consumers[${index}]`;
      // DynamoDB Streams support TRIM_HORIZON and LATEST only: https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
      if (consumer?.startingPosition === 'AT_TIMESTAMP') {
        scope.report(`${at}.startingPosition`, 'a table change stream cannot start AT_TIMESTAMP.', 'Use TRIM_HORIZON or LATEST.');
      }
      return resolveStreamConsumer(scope, at, consumer);
    });
    stream = { viewType: config.stream.viewType, consumers };
  }

  return {
    kind: 'table',
    ...resourceNames(scope, name, 'TABLE'),
    partitionKey: config?.partitionKey,
    sortKey: config?.sortKey,
    sortKeyType: config?.sortKeyType ?? 'string',
    indexes,
    ttlAttribute: config?.ttlAttribute,
    stream,
  };
}

function checkKeys(scope: ServiceScope, place: string, keys: { partitionKey?: unknown; sortKeyType?: unknown } | undefined) {
  if (typeof keys?.partitionKey !== 'string' || keys.partitionKey === '') {
    scope.report(`${place}.partitionKey`, 'the partition key is missing.', 'Name the attribute that partitions the table, such as `partitionKey: "id"`.');
  }
  if (keys?.sortKeyType !== undefined && keys.sortKeyType !== 'string' && keys.sortKeyType !== 'number') {
    scope.report(`${place}.sortKeyType`, `"${String(keys.sortKeyType)}" is not a key type.`, 'Use "string" or "number".');
  }
}

/** AWS limits from the SQS queue parameters page. Returns the queue, then its dead-letter queue when it has one. */
export function resolveQueue(scope: ServiceScope, name: string, config: QueueConfig): QueueModel[] {
  const place = `services.${scope.service}.queues.${name}`;
  checkName(place, 'queue', name, scope.report);

  const fifo = config?.fifo ?? false;
  const visibilityTimeoutSeconds = config?.visibilityTimeout ?? 30;
  const retentionSeconds = config?.retentionPeriod ?? 345_600;
  const deliveryDelaySeconds = config?.deliveryDelay ?? 0;
  checkRange(scope.report, `${place}.visibilityTimeout`, visibilityTimeoutSeconds, 0, 43_200, 'seconds');
  checkRange(scope.report, `${place}.retentionPeriod`, retentionSeconds, 60, 1_209_600, 'seconds');
  checkRange(scope.report, `${place}.deliveryDelay`, deliveryDelaySeconds, 0, 900, 'seconds');

  const suffix = fifo ? '.fifo' : '';
  const queues: QueueModel[] = [];
  let deadLetter: QueueModel['deadLetter'];
  if (config?.maxReceiveCount !== undefined) {
    checkRange(scope.report, `${place}.maxReceiveCount`, config.maxReceiveCount, 1, 1000, 'a count');
    const dlqName = `${name}-dlq`;
    deadLetter = { queueId: `${scope.service}.${dlqName}`, maxReceiveCount: config.maxReceiveCount };
    queues.push({
      kind: 'queue',
      ...resourceNames(scope, dlqName, 'QUEUE', suffix),
      fifo,
      contentBasedDeduplication: config.contentBasedDeduplication ?? false,
      visibilityTimeoutSeconds,
      // A dead-letter queue keeps messages for the longest period SQS allows, so they outlive the source queue's retention.
      retentionSeconds: 1_209_600,
      deliveryDelaySeconds: 0,
    });
  }

  let consumer: QueueModel['consumer'];
  if (config?.consumer) {
    const at = `${place}.consumer`;
    const batchSize = config.consumer.batchSize ?? 10;
    checkRange(scope.report, `${at}.batchSize`, batchSize, 1, fifo ? 10 : 10_000, 'a count');
    const maxBatchingWindowSeconds = config.consumer.maxBatchingWindow ?? 0;
    checkRange(scope.report, `${at}.maxBatchingWindow`, maxBatchingWindowSeconds, 0, 300, 'seconds');
    if (batchSize > 10 && maxBatchingWindowSeconds < 1) {
      scope.report(`${at}.maxBatchingWindow`, `a batch size of ${batchSize} needs a batching window.`, 'Set maxBatchingWindow to at least 1 second, as Lambda requires for batches over 10.');
    }
    consumer = {
      functionId: functionRef(scope, `${at}.function`, config.consumer.function),
      batchSize,
      maxBatchingWindowSeconds,
      reportBatchItemFailures: config.consumer.reportBatchItemFailures ?? false,
    };
  }

  queues.unshift({
    kind: 'queue',
    ...resourceNames(scope, name, 'QUEUE', suffix),
    fifo,
    contentBasedDeduplication: config?.contentBasedDeduplication ?? false,
    visibilityTimeoutSeconds,
    retentionSeconds,
    deliveryDelaySeconds,
    deadLetter,
    consumer,
  });
  return queues;
}

export function resolveStream(scope: ServiceScope, name: string, config: StreamConfig): StreamModel {
  const place = `services.${scope.service}.streams.${name}`;
  checkName(place, 'stream', name, scope.report);

  const shards = config?.shards ?? 1;
  const retentionHours = config?.retentionHours ?? 24;
  checkRange(scope.report, `${place}.shards`, shards, 1, 500, 'a whole number of shards');
  checkRange(scope.report, `${place}.retentionHours`, retentionHours, 24, 8760, 'hours');
  if (!Number.isInteger(shards)) scope.report(`${place}.shards`, `${shards} is not a whole number.`, 'Use a whole number of shards.');

  const consumers = (config?.consumers ?? []).map((consumer, index) =>
    resolveStreamConsumer(scope, `${place}.consumers[${index}]`, consumer));

  return { kind: 'stream', ...resourceNames(scope, name, 'STREAM'), shards, retentionHours, consumers };
}

export function resolveDatabase(scope: ServiceScope, name: string, config: DatabaseConfig): DatabaseModel {
  const place = `services.${scope.service}.databases.${name}`;
  checkName(place, 'database', name, scope.report);

  let migrationsDir: string | undefined;
  if (config?.migrations !== undefined) {
    migrationsDir = path.resolve(scope.root, config.migrations);
    if (!existsSync(migrationsDir)) {
      scope.report(`${place}.migrations`, `the folder ${config.migrations} does not exist in ${scope.root}.`, 'Create it with the .sql migrations, or correct the path, which is relative to the application folder.');
    }
  }
  return { kind: 'database', ...resourceNames(scope, name, 'DATABASE'), migrationsDir };
}
