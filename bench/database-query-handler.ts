/**
 * Handler for the database query benchmark: runs one statement `count` times
 * in a row through the database client and returns the elapsed time in
 * milliseconds, so the figure covers the channel and not the invocation.
 */
import { performance } from 'node:perf_hooks';

import { database, type SqlParameter } from 'strato/client';

const bench = database('bench');

export const handler = async (event: { sql: string; params: SqlParameter[]; count: number }) => {
  const startedAt = performance.now();
  for (let index = 0; index < event.count; index++) await bench.query(event.sql, event.params);
  return { elapsedMs: performance.now() - startedAt };
};
