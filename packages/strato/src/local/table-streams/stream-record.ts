/**
 * DynamoDB stream records, shaped as Lambda hands them to a function in a
 * `DynamoDBStreamEvent`.
 * @see https://docs.aws.amazon.com/amazondynamodbstreams/latest/APIReference/API_StreamRecord.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
import { randomBytes } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

import type { TableModel } from '../../model/index.ts';
import type { ItemChange } from '../tables/index.ts';

export type StreamViewType = NonNullable<TableModel['stream']>['viewType'];

export interface RecordContext {
  readonly viewType: StreamViewType;
  /** `arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`. */
  readonly streamArn: string;
  readonly region: string;
  /** Position in the table's stream; larger for later changes. */
  readonly sequence: number;
  /** When the change was made, in epoch milliseconds. */
  readonly createdAt: number;
}

/**
 * Sequence numbers are decimal strings that grow along the stream. Offsetting
 * the position keeps them 21 digits long, as DynamoDB's are, so they also
 * sort as text.
 */
const SEQUENCE_OFFSET = 100_000_000_000_000_000_000n;

export function sequenceNumber(sequence: number): string {
  return (SEQUENCE_OFFSET + BigInt(sequence)).toString();
}

/**
 * Builds the record of a change. The view type decides which images appear:
 * an INSERT never has an old image and a REMOVE never has a new one.
 */
export function buildStreamRecord(change: ItemChange, context: RecordContext): DynamoDBRecord {
  const { viewType } = context;
  const keys = marshallImage(change.key);
  const oldImage = (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') && change.oldItem ? marshallImage(change.oldItem) : undefined;
  const newImage = (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') && change.newItem ? marshallImage(change.newItem) : undefined;

  return {
    eventID: randomBytes(16).toString('hex'),
    eventName: eventNameOf(change),
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: context.region,
    dynamodb: {
      // Whole epoch seconds, as DynamoDB Streams gives it.
      ApproximateCreationDateTime: Math.floor(context.createdAt / 1000),
      Keys: keys,
      ...(oldImage && { OldImage: oldImage }),
      ...(newImage && { NewImage: newImage }),
      SequenceNumber: sequenceNumber(context.sequence),
      // NOTE: an estimate from the JSON size of keys and images; DynamoDB computes its own figure.
      SizeBytes: Buffer.byteLength(JSON.stringify([keys, oldImage, newImage])),
      StreamViewType: viewType,
    },
    eventSourceARN: context.streamArn,
    // Deletions by Time to Live name the DynamoDB service as the one who deleted.
    ...(change.byTimeToLive && { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
  } as DynamoDBRecord;
}

function eventNameOf(change: ItemChange): 'INSERT' | 'MODIFY' | 'REMOVE' {
  if (change.oldItem === undefined) return 'INSERT';
  if (change.newItem === undefined) return 'REMOVE';
  return 'MODIFY';
}

/** Turns an item into typed AttributeValues: numbers as `N` strings, null as `NULL`, lists as `L`, maps as `M`. */
function marshallImage(item: Readonly<Record<string, unknown>>) {
  return marshall(item, { removeUndefinedValues: true, convertEmptyValues: false });
}
