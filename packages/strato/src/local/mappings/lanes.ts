/**
 * Lanes of a shard under a parallelization factor: records with the same
 * partition key always fall in the same lane, so they stay in order, while
 * different lanes run their batches at the same time.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
 */

/** Returns the lane of a partition key: FNV-1a over its UTF-16 code units, modulo the lane count. */
export function laneOf(partitionKey: string, laneCount: number): number {
  if (laneCount === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % laneCount;
}
