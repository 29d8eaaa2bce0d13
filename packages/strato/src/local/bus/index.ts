/**
 * The application's event bus, with EventBridge's semantics. The public
 * door of this folder.
 *
 * ```ts
 * const bus = new EventBus({ stateDir, app, targets: { invokeFunction, sendToQueue } });
 * bus.putEvents([{ Source: 'photos', DetailType: 'PhotoReady', Detail: '{"id":"p1"}' }]); // stored on return
 * bus.listDeadLetters();     // events targets kept failing on
 * bus.redriveDeadLetters();  // deliver them again
 * await bus.close();
 * ```
 *
 * `createBusHandler(bus)` plugs the bus into the resource router as the
 * `bus` kind, for `strato/client`. `createEventsMount(bus)` serves
 * `PutEvents` and the dead letters over HTTP under `/_strato/events`.
 */
export { EventBus, type BusDeliveryOutcome, type BusTargets, type DeadLetter, type EventBusOptions } from './event-bus.ts';
export { createBusHandler } from './bus-handler.ts';
export { createEventsMount, EVENTS_PATH_PREFIX, type EventsMount } from './http-handler.ts';
export { BUS_RETRY_DEFAULTS, type BusRetryOptions } from './retry-policy.ts';
export type { TargetRef } from './bus-db.ts';
export {
  MAX_ENTRIES,
  MAX_REQUEST_BYTES,
  type BusEvent,
  type PutEventsRequestEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
} from './put-events.ts';
