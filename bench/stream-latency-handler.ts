/**
 * Handler for the stream latency benchmark: returns the data of the records
 * it received and the wall-clock time, in fractional milliseconds since the
 * epoch, at which the handler started.
 */
import { performance } from 'node:perf_hooks';

import type { KinesisStreamEvent } from 'aws-lambda';

export const handler = async (event: KinesisStreamEvent) => ({
  ids: event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString()),
  startedAt: performance.timeOrigin + performance.now(),
});
