/**
 * Shard iterators: opaque to the caller, they name the stream, the shard and
 * the next position to read. Kinesis lets an iterator expire 5 minutes after
 * it was issued.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html
 */
import { StreamError } from './errors.ts';

export const ITERATOR_LIFETIME_MS = 300_000;

export interface IteratorState {
  readonly stream: string;
  readonly shardIndex: number;
  /** Position of the next record to return. */
  readonly position: number;
  /** Epoch milliseconds when the iterator was issued. */
  readonly issuedAt: number;
}

export function encodeIterator(state: IteratorState): string {
  return Buffer.from(JSON.stringify([state.stream, state.shardIndex, state.position, state.issuedAt]), 'utf8').toString('base64url');
}

export function decodeIterator(shardIterator: unknown, now: number): IteratorState {
  let fields: unknown;
  try {
    fields = typeof shardIterator === 'string' ? JSON.parse(Buffer.from(shardIterator, 'base64url').toString('utf8')) : undefined;
  } catch {
    fields = undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 4 || typeof fields[0] !== 'string' || !fields.slice(1).every(Number.isInteger)) {
    throw new StreamError('InvalidArgumentException', `Invalid ShardIterator: "${String(shardIterator)}". Pass the shardIterator or nextShardIterator that Kinesis returned.`);
  }

  const [stream, shardIndex, position, issuedAt] = fields as [string, number, number, number];
  if (now - issuedAt > ITERATOR_LIFETIME_MS) {
    throw new StreamError('ExpiredIteratorException', `Iterator expired. The iterator was created at time ${new Date(issuedAt).toISOString()} while right now it is ${new Date(now).toISOString()} which is further in the future than the tolerated delay of ${ITERATOR_LIFETIME_MS} milliseconds. Call GetShardIterator again.`);
  }
  return { stream, shardIndex, position, issuedAt };
}
