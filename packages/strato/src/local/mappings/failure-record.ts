/**
 * The record Lambda sends to a stream mapping's on-failure destination when
 * it gives up on a batch: metadata about the batch, not its records.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
import type { FunctionError } from '../../runtime/types.ts';

/**
 * `RetryAttemptsExhausted` is the documented example's condition.
 * NOTE: the condition for records past their maximum age is not in the
 * documentation's example; `RecordAgeExceeded` is the likely value.
 */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface FailureRecordInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: FailureCondition;
  /** Invocations of the batch so far; 0 when it expired before any. */
  readonly invokeCount: number;
  /** The last invocation's error; undefined when the batch was never invoked or the invoke itself failed. */
  readonly functionError?: FunctionError;
  readonly batchInfoKey: string;
  readonly batchInfo: Record<string, unknown>;
  readonly now: number;
}

export function failureRecord(input: FailureRecordInput): Record<string, unknown> {
  const record: Record<string, unknown> = {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
  };
  if (input.invokeCount > 0) {
    record.responseContext = { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' };
  }
  record.version = '1.0';
  record.timestamp = new Date(input.now).toISOString();
  record[input.batchInfoKey] = input.batchInfo;
  return record;
}
