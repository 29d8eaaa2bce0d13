/**
 * Handler for the bus latency benchmark: returns the id of the event it
 * received and the wall-clock time, in fractional milliseconds since the
 * epoch, at which the handler started.
 */
import { performance } from 'node:perf_hooks';

import type { EventBridgeEvent } from 'aws-lambda';

export const handler = async (event: EventBridgeEvent<string, unknown>) => ({
  eventId: event.id,
  startedAt: performance.timeOrigin + performance.now(),
});
