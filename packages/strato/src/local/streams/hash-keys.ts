/**
 * Mapping of records to shards, as Kinesis does it: the MD5 of the partition key, read as
 * an unsigned 128-bit integer, falls in one shard's hash key range. A new
 * stream splits the range 0 to 2^128 - 1 evenly between its shards.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecord.html
 */
import { createHash } from 'node:crypto';

import { StreamError } from './errors.ts';

export const MAX_HASH_KEY = (1n << 128n) - 1n;

export interface HashKeyRange {
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
}

/** Returns the ranges of a stream created with `shardCount` shards, in shard order. */
export function evenHashKeyRanges(shardCount: number): HashKeyRange[] {
  const space = 1n << 128n;
  const count = BigInt(shardCount);
  return Array.from({ length: shardCount }, (_, index) => ({
    startingHashKey: (BigInt(index) * space) / count,
    endingHashKey: ((BigInt(index) + 1n) * space) / count - 1n,
  }));
}

export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/** Reads an explicit hash key: a decimal from 0 to 2^128 - 1. */
export function parseExplicitHashKey(explicitHashKey: string): bigint {
  if (!/^\d{1,39}$/.test(explicitHashKey) || BigInt(explicitHashKey) > MAX_HASH_KEY) {
    throw new StreamError('InvalidArgumentException', `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`);
  }
  return BigInt(explicitHashKey);
}

/** Returns the index of the shard whose range contains the hash. */
export function shardIndexForHash(ranges: readonly HashKeyRange[], hash: bigint): number {
  // Ranges are even, so the index follows from a division; the loop guards the rounding at the edges.
  let index = Number((hash * BigInt(ranges.length)) >> 128n);
  while (index > 0 && hash < ranges[index]!.startingHashKey) index--;
  while (index < ranges.length - 1 && hash > ranges[index]!.endingHashKey) index++;
  return index;
}

/** Kinesis's shard id: `shardId-` and the index in 12 digits. */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/** Returns the index of a shard id, or undefined when the id is not of that form. */
export function shardIndexOf(shardId: string): number | undefined {
  const match = /^shardId-(\d{12})$/.exec(shardId);
  return match ? Number(match[1]) : undefined;
}
