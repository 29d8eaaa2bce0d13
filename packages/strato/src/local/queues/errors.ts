/**
 * SQS's errors, with the names the AWS SDK v3 gives them, so a handler that
 * checks `error.name === 'QueueDoesNotExist'` works locally and on AWS. SQS
 * returns each of them with HTTP status 400.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */

export type QueueErrorName =
  | 'QueueDoesNotExist'
  | 'InvalidParameterValue'
  | 'MissingParameter'
  | 'InvalidMessageContents'
  | 'ReceiptHandleIsInvalid'
  | 'MessageNotInflight'
  | 'EmptyBatchRequest'
  | 'TooManyEntriesInBatchRequest'
  | 'BatchEntryIdsNotDistinct'
  | 'InvalidBatchEntryId'
  | 'BatchRequestTooLong'
  | 'ResourceNotFoundException';

/**
 * The error codes of SQS's older query protocol, which some SDKs still show
 * as `Code`. Only the queue error differs from the name.
 */
const QUERY_CODES: Partial<Record<QueueErrorName, string>> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
};

/** An error of the SQS API. `name` is the error's name in the AWS SDK v3. */
export class QueueError extends Error {
  readonly statusCode = 400;
  /** The code of the query protocol, such as `AWS.SimpleQueueService.NonExistentQueue`. */
  readonly code: string;

  constructor(name: QueueErrorName, message: string) {
    super(message);
    this.name = name;
    this.code = QUERY_CODES[name] ?? name;
  }
}

export function queueDoesNotExist(queueName: string): QueueError {
  return new QueueError('QueueDoesNotExist', `The specified queue does not exist: "${queueName}". Declare it under a service's \`queues\` in strato.config.ts.`);
}

/** SQS's message for a parameter outside its range: `Value X for parameter Y is invalid. Reason: ...`. */
export function invalidParameter(parameter: string, value: unknown, reason: string): QueueError {
  return new QueueError('InvalidParameterValue', `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

/** Returns the error for a receipt handle that this queue did not issue. */
export function receiptHandleIsInvalid(receiptHandle: string): QueueError {
  return new QueueError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
}
