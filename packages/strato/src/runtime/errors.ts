/**
 * The errors the Lambda service returns for an invocation, with AWS's names,
 * messages and status codes.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { ServiceError, type FunctionError } from './types.ts';

/** Largest synchronous request payload, in bytes. */
export const MAX_REQUEST_BYTES = 6_291_456;

/** Largest synchronous response payload. Lambda's message quotes 6291556, 100 bytes over the request limit. */
export const MAX_RESPONSE_BYTES = 6_291_556;

export function requestTooLarge(): ServiceError {
  return new ServiceError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation`, 413);
}

/** Builds the error for an invocation over the function's reserved concurrency or the account's limit. */
export function throttled(): ServiceError {
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
}

export function responseTooLarge(): FunctionError {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}

export function timedOut(requestId: string, timeoutSeconds: number): FunctionError {
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds` };
}

/** Builds the error of an environment that ended during an invocation (`process.exit`, a crash). */
export function runtimeExited(requestId: string, exitCode: number): FunctionError {
  const reason = exitCode === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: exit status ${exitCode}`;
  return { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: ${reason}` };
}

/** Lambda's error when a Node.js function exceeds its memory: the kernel kills the runtime process. */
export function outOfMemory(requestId: string): FunctionError {
  return { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` };
}
