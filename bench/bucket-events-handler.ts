/**
 * Handler for the bucket event benchmark: returns the key of the S3 record
 * and the wall-clock time, in fractional milliseconds since the epoch, at
 * which the handler started.
 */
import { performance } from 'node:perf_hooks';

import type { S3Event } from 'aws-lambda';

export const handler = async (event: S3Event) => ({
  key: event.Records[0]!.s3.object.key,
  startedAt: performance.timeOrigin + performance.now(),
});
