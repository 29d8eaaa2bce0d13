/**
 * The contract of one kind of resource with the router: the IAM action each
 * operation needs, the error the service returns when that action is not
 * allowed, and the code that runs the operation. Queues, streams and the bus
 * plug in as further handlers.
 */
import type { Caller, LocalAccount } from './identity.ts';

export interface OperationRequest {
  readonly caller: Caller;
  /** Physical name of the resource. */
  readonly resource: string;
  readonly input: unknown;
}

export interface Operation {
  /** The IAM action the operation needs, such as `dynamodb:PutItem`. */
  readonly action: string;
  /** ARN of the resource the action applies to, as an access denied message names it. */
  resourceArn(request: OperationRequest, account: LocalAccount): string;
  run(request: OperationRequest): unknown;
}

export interface KindHandler {
  /** Operations by the name `strato/client` sends, such as `put`. */
  readonly operations: Readonly<Record<string, Operation>>;
  /** The service's error for an action the caller's role does not allow. */
  accessDenied(caller: Caller, action: string, resourceArn: string): Error;
  /** The service's error for an operation name it does not have. */
  unknownOperation(op: string): Error;
}

/** An error with an AWS error name, for services that have no error class of their own here. */
export class AwsError extends Error {
  constructor(name: string, message: string, readonly statusCode = 400) {
    super(message);
    this.name = name;
  }
}

/**
 * Returns the message AWS gives when no policy of the caller allows an action.
 * DynamoDB and S3 word it the same way; https://github.com/anomalyco/sst/issues/4469
 * quotes one from DynamoDB in full.
 */
export function notAuthorizedMessage(caller: Caller, action: string, resource: string): string {
  return `User: ${caller.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}
