/**
 * Handler for the queue latency benchmark: returns the bodies of the messages
 * it received and the wall-clock time, in fractional milliseconds since the
 * epoch, at which the handler started.
 */
import { performance } from 'node:perf_hooks';

import type { SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent) => ({
  bodies: event.Records.map((record) => record.body),
  startedAt: performance.timeOrigin + performance.now(),
});
