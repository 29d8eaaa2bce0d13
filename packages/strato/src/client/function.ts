/**
 * The function client: invokes another function of the same service
 * asynchronously, as Lambda's Invoke with `InvocationType: Event`. The event
 * is stored before the call resolves, and the target's `async` settings
 * (retries, maximum event age, destinations) apply to it.
 *
 * ```ts
 * import { fn } from 'strato/client';
 *
 * const thumbnails = fn('make-thumbnail');
 * const { requestId } = await thumbnails.invokeAsync({ photoId });
 * ```
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { callDriver } from './driver.ts';
import { physicalNameOf } from './resource-names.ts';

/** Result of an accepted asynchronous invocation. */
export interface InvokeAsyncResult {
  /** 202, Invoke's status for an `Event` invocation. */
  readonly statusCode: 202;
  /** Request id of the event; every retry of the event and its destination record carry it. */
  readonly requestId: string;
}

export class FunctionClient {
  /**
   * Name the calls use: the physical function name in the local cloud, the
   * ARN of the function's `live` alias on AWS.
   */
  readonly name: string;

  constructor(linkName: string) {
    this.name = physicalNameOf('FUNCTION', linkName);
  }

  /**
   * Queues `event` for the function and resolves once it is accepted. The
   * event, as JSON, must be at most 1 MB (1,048,576 bytes); a larger one is
   * rejected with `RequestEntityTooLargeException`.
   */
  async invokeAsync(event: unknown): Promise<InvokeAsyncResult> {
    return await callDriver('function', this.name, 'invokeAsync', { payload: event }) as InvokeAsyncResult;
  }
}

/** Returns a client for a function the function links. */
export function fn(name: string): FunctionClient {
  return new FunctionClient(name);
}
