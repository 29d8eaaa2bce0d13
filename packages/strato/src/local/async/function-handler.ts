/**
 * Asynchronous invocation of one function by another, as the resource
 * router's `function` kind: a handler's client sends `invokeAsync` with the
 * linked function's physical name, and the event joins the durable queue,
 * as Lambda's Invoke with `InvocationType: Event` does.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import type { FunctionModel } from '../../model/index.ts';
import { AwsError, notAuthorizedMessage, type KindHandler, type OperationRequest } from '../router/index.ts';

export interface FunctionInvokeOptions {
  /** The durable queue; `AsyncInvoker` implements it. */
  readonly queue: { enqueue(functionId: string, event: unknown): Promise<{ requestId: string }> };
  /** Returns the function with this physical name; called per call, so a reloaded config applies. */
  readonly getFunctionByName: (physicalName: string) => FunctionModel | undefined;
}

/** Output of `invokeAsync`: Invoke's status for an accepted `Event` invocation, and the event's request id. */
export interface InvokeAsyncOutput {
  readonly statusCode: 202;
  readonly requestId: string;
}

export function createFunctionInvokeHandler(options: FunctionInvokeOptions): KindHandler {
  return {
    operations: {
      invokeAsync: {
        action: 'lambda:InvokeFunction',
        resourceArn: ({ resource }, account) => `arn:aws:lambda:${account.region}:${account.accountId}:function:${resource}`,
        run: (request) => invokeAsync(options, request),
      },
    },
    accessDenied: (caller, action, resourceArn) => new AwsError('AccessDeniedException', notAuthorizedMessage(caller, action, resourceArn), 403),
    unknownOperation: (op) => new AwsError('InvalidParameterValueException', `Unknown function operation "${op}". Use invokeAsync.`),
  };
}

async function invokeAsync(options: FunctionInvokeOptions, { resource, input }: OperationRequest): Promise<InvokeAsyncOutput> {
  const fn = options.getFunctionByName(resource);
  if (!fn) throw new AwsError('ResourceNotFoundException', `Function not found: ${resource}. Link a function of the same service and use the name its environment variable carries.`, 404);

  const payload = (input as { payload?: unknown } | undefined)?.payload;
  const { requestId } = await options.queue.enqueue(fn.id, payload ?? {});
  return { statusCode: 202, requestId };
}
