/**
 * A Kinesis stream of the stream engine as a sharded source, and the
 * `KinesisStreamEvent` records Lambda builds from its records.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
import type { KinesisStreamRecord } from 'aws-lambda';

import type { FunctionModel, StreamModel } from '../../model/index.ts';
import type { ShardRecord, StreamEngine } from '../streams/index.ts';
import type { ShardedSource, SourceRecord } from './types.ts';

export interface KinesisSourceRecord extends SourceRecord {
  readonly data: Buffer;
}

/** Bytes a Kinesis record adds to the event besides its data and key: field names, ids, ARNs. */
const RECORD_OVERHEAD_BYTES = 512;

export function kinesisSource(engine: StreamEngine, stream: StreamModel, account: { readonly region: string; readonly accountId: string }): ShardedSource<KinesisSourceRecord> {
  const name = stream.physicalName;
  const arn = engine.streamArn(name);
  const shardIds = engine.shardIds(name);
  const indexOf = new Map(shardIds.map((shardId, index) => [shardId, index]));
  const shardIndex = (shardId: string) => indexOf.get(shardId)!;

  return {
    arn,
    batchInfoKey: 'KinesisBatchInfo',
    retentionMs: stream.retentionHours * 3_600_000,
    shardIds: () => shardIds,

    startingCheckpoint(shardId, start, timestampMs) {
      if (start === 'TRIM_HORIZON') return 0;
      if (start === 'AT_TIMESTAMP') return engine.positionBeforeTime(name, shardIndex(shardId), timestampMs ?? Date.now());
      return engine.shardTip(name, shardIndex(shardId)).position;
    },

    read: (shardId, afterPosition, limit) => engine.readShard(name, shardIndex(shardId), afterPosition, limit).map(toSourceRecord),

    subscribe: (listener) => engine.onAppend(name, (index) => listener(shardIds[index]!)),

    toEventRecords(shardId, records, fn) {
      const invokeIdentityArn = executionRoleArn(fn, account.accountId);
      return records.map((record) => toKinesisRecord(record, { shardId, arn, region: account.region, invokeIdentityArn }));
    },

    batchInfo(shardId, records) {
      const first = records[0]!;
      const last = records.at(-1)!;
      return {
        shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
        batchSize: records.length,
        streamArn: arn,
      };
    },
  };
}

/**
 * Returns the ARN of the function's execution role. Locally the role is named after the
 * function, as the resource router names the caller.
 */
export function executionRoleArn(fn: FunctionModel, accountId: string): string {
  return `arn:aws:iam::${accountId}:role/${fn.physicalName}-role`;
}

function toSourceRecord(record: ShardRecord): KinesisSourceRecord {
  return {
    position: record.position,
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    arrivalMs: record.arrivalMs,
    eventBytes: Math.ceil(record.data.length / 3) * 4 + record.partitionKey.length + RECORD_OVERHEAD_BYTES,
    data: record.data,
  };
}

/** Builds one record of a `KinesisStreamEvent`, keys in the order Lambda writes them. */
function toKinesisRecord(
  record: KinesisSourceRecord,
  context: { shardId: string; arn: string; region: string; invokeIdentityArn: string },
): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: record.data.toString('base64'),
      // Epoch seconds with the milliseconds as a fraction.
      approximateArrivalTimestamp: record.arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${context.shardId}:${record.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: context.invokeIdentityArn,
    awsRegion: context.region,
    eventSourceARN: context.arn,
  };
}
