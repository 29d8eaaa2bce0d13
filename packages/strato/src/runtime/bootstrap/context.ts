/**
 * The Lambda context object a Node.js handler receives.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
import type { Context } from 'aws-lambda';

import type { EnvironmentInit } from '../protocol.ts';

export type LambdaContext = Context;

interface Settlers {
  succeed(result: unknown): void;
  fail(error: unknown): void;
}

export function createContext(config: EnvironmentInit, requestId: string, deadline: number, settle: Settlers): LambdaContext {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: config.functionName,
    functionVersion: config.functionVersion,
    invokedFunctionArn: config.invokedFunctionArn,
    memoryLimitInMB: config.memoryLimitInMB,
    awsRequestId: requestId,
    logGroupName: config.logGroupName,
    logStreamName: config.logStreamName,
    // Only calls from the AWS mobile SDK carry these.
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The legacy completion methods, still present in the nodejs20.x runtime.
    done: (error?: Error, result?: unknown) => (error ? settle.fail(error) : settle.succeed(result)),
    succeed: (result: unknown) => settle.succeed(result),
    fail: (error: Error | string) => settle.fail(error),
  };
}
