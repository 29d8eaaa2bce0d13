/**
 * S3's errors, with the codes, HTTP statuses and messages S3 returns, so a
 * handler that checks `error.name === 'NoSuchKey'` works locally and on AWS.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */

export type S3ErrorCode =
  | 'AccessDenied'
  | 'BadDigest'
  | 'EntityTooLarge'
  | 'InvalidAccessKeyId'
  | 'InvalidArgument'
  | 'InvalidDigest'
  | 'InvalidRange'
  | 'InternalError'
  | 'KeyTooLongError'
  | 'MetadataTooLarge'
  | 'MethodNotAllowed'
  | 'MissingContentLength'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'PreconditionFailed'
  | 'SignatureDoesNotMatch'
  | 'AuthorizationQueryParametersError';

const STATUS_BY_CODE: Readonly<Record<S3ErrorCode, number>> = {
  AccessDenied: 403,
  BadDigest: 400,
  EntityTooLarge: 400,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidDigest: 400,
  InvalidRange: 416,
  InternalError: 500,
  KeyTooLongError: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  PreconditionFailed: 412,
  SignatureDoesNotMatch: 403,
  AuthorizationQueryParametersError: 400,
};

/** An error of the S3 API. `name` is S3's error code. */
export class S3Error extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: S3ErrorCode,
    message: string,
    /** Extra elements of the XML body, as S3 adds them: `Key` to NoSuchKey, `BucketName` to NoSuchBucket. */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
    this.statusCode = STATUS_BY_CODE[code];
  }
}

export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', `The specified bucket does not exist: "${bucket}". Declare it under a service's \`buckets\` in strato.config.ts.`, { BucketName: bucket });
}

export function noSuchKey(bucket: string, key: string): S3Error {
  return new S3Error('NoSuchKey', `The specified key does not exist: "${key}" in bucket "${bucket}".`, { Key: key });
}

/** Renders the XML body S3 sends with an error response. */
export function errorXml(error: S3Error, requestId: string): string {
  const details = Object.entries(error.details).map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`).join('');
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${details}<RequestId>${requestId}</RequestId></Error>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
