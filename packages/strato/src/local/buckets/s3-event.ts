/**
 * S3 event notification records, shaped as S3 sends them to Lambda.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
import { randomBytes } from 'node:crypto';

import type { S3EventRecord } from 'aws-lambda';

/** Event names without the `s3:` prefix, as records carry them. */
export type S3EventName = 'ObjectCreated:Put' | 'ObjectRemoved:Delete';

export interface S3RecordInput {
  readonly eventName: S3EventName;
  readonly region: string;
  readonly time: Date;
  readonly bucket: string;
  readonly key: string;
  readonly configurationId: string;
  readonly principalId: string;
  readonly sourceIp: string;
  readonly sequencer: string;
  /** Size and hex MD5 of created objects; delete records carry neither. */
  readonly size?: number;
  readonly md5?: string;
}

/** Principal that owns every bucket of the local cloud, as `ownerIdentity.principalId`. */
export const LOCAL_OWNER_ID = 'STRATOLOCALOWNER';

export function s3EventRecord(input: S3RecordInput): S3EventRecord {
  // A delete record's object has only key and sequencer (versionId on versioned buckets), no size or eTag.
  const object = input.size === undefined
    ? { key: encodeEventKey(input.key), sequencer: input.sequencer }
    : { key: encodeEventKey(input.key), size: input.size, eTag: input.md5!, sequencer: input.sequencer };

  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: input.region,
    eventTime: input.time.toISOString(),
    eventName: input.eventName,
    userIdentity: { principalId: input.principalId },
    requestParameters: { sourceIPAddress: input.sourceIp },
    responseElements: { 'x-amz-request-id': requestId(), 'x-amz-id-2': hostId() },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: input.configurationId,
      bucket: { name: input.bucket, ownerIdentity: { principalId: LOCAL_OWNER_ID }, arn: `arn:aws:s3:::${input.bucket}` },
      // The aws-lambda type lists size and eTag as required although S3 leaves them out of delete records.
      object: object as S3EventRecord['s3']['object'],
    },
  };
}

const UNRESERVED = /[A-Za-z0-9\-_.*/]/;

/**
 * Encodes a key as S3 writes it in event records: form URL encoding of the
 * UTF-8 bytes, a space as `+`, with `/` kept. Undo it with
 * `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  let encoded = '';
  for (const char of key) {
    if (char === ' ') encoded += '+';
    // NOTE: S3's encoding of `*` and `~` is unverified; this keeps `*` and escapes `~`, as Java's URLEncoder does.
    else if (UNRESERVED.test(char)) encoded += char;
    else for (const byte of Buffer.from(char, 'utf8')) encoded += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return encoded;
}

/** Returns sequencers that grow with every call, as hex strings of S3's length, so records of one key sort by time. */
export function createSequencer(): () => string {
  let last = 0n;
  return () => {
    const fromClock = BigInt(Date.now()) << 16n;
    last = fromClock > last ? fromClock : last + 1n;
    return last.toString(16).toUpperCase().padStart(18, '0');
  };
}

/** Returns a request id in S3's form: 16 upper-case hex digits. */
function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Returns an extended request id (`x-amz-id-2`) in S3's form: 64 base64 characters. */
function hostId(): string {
  return randomBytes(48).toString('base64');
}
