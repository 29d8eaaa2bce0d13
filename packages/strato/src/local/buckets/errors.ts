/**
 * S3's errors, with the codes, HTTP statuses and messages S3 returns, so a
 * handler that checks `error.name === 'NoSuchKey'` works locally and on AWS.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */

export type S3ErrorCode =
  | 'AccessDenied'
  | 'EntityTooLarge'
  | 'InvalidAccessKeyId'
  | 'InvalidArgument'
  | 'InvalidRange'
  | 'InternalError'
  | 'KeyTooLongError'
  | 'MetadataTooLarge'
  | 'MethodNotAllowed'
  | 'MissingContentLength'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'SignatureDoesNotMatch'
  | 'AuthorizationQueryParametersError';

const STATUS_BY_CODE: Readonly<Record<S3ErrorCode, number>> = {
  AccessDenied: 403,
  EntityTooLarge: 400,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidRange: 416,
  InternalError: 500,
  KeyTooLongError: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  SignatureDoesNotMatch: 403,
  AuthorizationQueryParametersError: 400,
};

/** An error of the S3 API. `name` is S3's error code. */
export class S3Error extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: S3ErrorCode,
    message: string,
    /** The bucket or key the error is about, sent as `<Resource>` in the XML body. */
    readonly resource?: string,
  ) {
    super(message);
    this.name = code;
    this.statusCode = STATUS_BY_CODE[code];
  }
}

export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', `The specified bucket does not exist: "${bucket}". Declare it under a service's \`buckets\` in strato.config.ts.`, bucket);
}

export function noSuchKey(bucket: string, key: string): S3Error {
  return new S3Error('NoSuchKey', `The specified key does not exist: "${key}" in bucket "${bucket}".`, key);
}

/** Renders the XML body S3 sends with an error response. */
export function errorXml(error: S3Error, requestId: string): string {
  const resource = error.resource === undefined ? '' : `<Resource>${escapeXml(error.resource)}</Resource>`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${resource}<RequestId>${requestId}</RequestId></Error>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
