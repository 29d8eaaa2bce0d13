/**
 * Durable asynchronous invocation, as Lambda's `Event` invocation type. The
 * public door of this folder.
 *
 * ```ts
 * const asyncInvoker = new AsyncInvoker({ stateDir, invoker: runtime, getFunction: (id) => findFunction(app, id) });
 * await asyncInvoker.enqueue('photos.make-thumbnail', s3Event); // resolves once the event is on disk
 * asyncInvoker.listFailed();                                    // events whose retries ran out
 * await asyncInvoker.close();
 * ```
 *
 * Wiring in the local cloud, beside the queue engine and the bus (the sink
 * reaches the bus through a closure, because the bus itself delivers to
 * functions through this invoker):
 *
 * ```ts
 * const asyncInvoker = new AsyncInvoker({
 *   stateDir, invoker: runtime, getFunction,
 *   destinations: createLocalDestinationSink({
 *     getQueue: (id) => app.queues.find((queue) => queue.id === id),
 *     queues,
 *     bus: { putEvents: (entries) => bus.putEvents(entries) },
 *   }),
 * });
 * const router = createResourceRouter({ ..., handlers: {
 *   function: createFunctionInvokeHandler({ queue: asyncInvoker, getFunctionByName: (name) => app.functions.find((fn) => fn.physicalName === name) }),
 * } });
 * ```
 *
 * Retries, maximum event age and destinations come from each function's
 * `async` settings in the model. The retry delays default to Lambda's (about
 * one and two minutes), and `retryDelaysMs` shortens them.
 */
export {
  AsyncInvoker,
  MAX_ASYNC_PAYLOAD_BYTES,
  type AsyncInvokerOptions,
  type DeliveryOutcome,
  type DestinationSink,
  type ExternalDestination,
  type FailedEvent,
  type FailureCondition,
} from './async-invoker.ts';
export { destinationRecord, type DestinationCondition, type DestinationRecord } from './destination-record.ts';
export { RETRY_DEFAULTS, type RetryPolicyOptions } from './retry-policy.ts';
export { createFunctionInvokeHandler, type FunctionInvokeOptions, type InvokeAsyncOutput } from './function-handler.ts';
export { createLocalDestinationSink, BUS_DETAIL_TYPES, type BusPublisher, type LocalDestinationOptions, type QueueSender } from './destination-sink.ts';
