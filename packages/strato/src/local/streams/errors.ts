/**
 * Kinesis Data Streams' errors, with the names the AWS SDK v3 gives them and
 * Kinesis's HTTP status 400.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html
 */

export type StreamErrorName =
  | 'ResourceNotFoundException'
  | 'ValidationException'
  | 'InvalidArgumentException'
  | 'ExpiredIteratorException'
  | 'ProvisionedThroughputExceededException';

export class StreamError extends Error {
  readonly statusCode = 400;

  constructor(name: StreamErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

export function streamNotFound(streamName: string, accountId: string): StreamError {
  return new StreamError('ResourceNotFoundException', `Stream ${streamName} under account ${accountId} not found. Declare it under a service's \`streams\` in strato.config.ts.`);
}

/** Kinesis's form for a parameter that breaks a length constraint. */
export function lengthConstraint(field: string, comparison: 'less than or equal to' | 'greater than or equal to', limit: number): StreamError {
  return new StreamError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length ${comparison} ${limit}`);
}

/** Kinesis's message when a shard's write limit is exceeded. */
export function rateExceededMessage(shardId: string, streamName: string, accountId: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${accountId}.`;
}
