/**
 * The invocation record Lambda sends to an asynchronous invocation's
 * destination.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import type { FunctionError } from '../../runtime/types.ts';

/** Why the record was sent: Lambda's `requestContext.condition`. */
export type DestinationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded';

export interface DestinationRecord {
  readonly version: '1.0';
  /** ISO 8601 with milliseconds and `Z`. */
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    /** Qualified with `$LATEST`: the local cloud runs no published versions. */
    readonly functionArn: string;
    readonly condition: DestinationCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: 'Unhandled';
  };
  readonly responsePayload?: unknown;
}

export interface RecordInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: DestinationCondition;
  readonly attempts: number;
  readonly requestPayload: unknown;
  /** The function's result on success. */
  readonly result?: unknown;
  /** The function's last error on failure, if it ran at all. */
  readonly error?: FunctionError;
  readonly now: Date;
}

export function destinationRecord(input: RecordInput): DestinationRecord {
  const succeeded = input.condition === 'Success';
  const responseContext = succeeded || input.error === undefined
    ? { statusCode: 200, executedVersion: '$LATEST' }
    : { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' as const };

  // NOTE: for EventAgeExceeded after throttles only (the function never ran), the record carries no
  // responsePayload. What Lambda sends in that case is not in its documentation.
  const responsePayload = succeeded ? { responsePayload: input.result ?? null } : input.error ? { responsePayload: input.error } : {};

  return {
    version: '1.0',
    timestamp: input.now.toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.attempts,
    },
    requestPayload: input.requestPayload,
    responseContext,
    ...responsePayload,
  };
}
