/**
 * Sequence numbers in the form Kinesis gives them: 56-digit decimals that
 * grow along each shard. Strato composes them from the stream's creation
 * time, the shard index and the record's position in the shard, so a number
 * can be read back to its shard and position.
 */

const PREFIX = 49n * 10n ** 54n;
const CREATED_SCALE = 10n ** 40n;
const SHARD_SCALE = 10n ** 30n;

export function formatSequenceNumber(streamCreatedSeconds: number, shardIndex: number, position: number): string {
  return shardSequencePrefix(streamCreatedSeconds, shardIndex) + formatPosition(position);
}

/**
 * Returns the leading 26 digits that every sequence number of a shard shares.
 * The last 30 digits are the position, so a put formats a number without BigInt arithmetic.
 */
export function shardSequencePrefix(streamCreatedSeconds: number, shardIndex: number): string {
  return (PREFIX + BigInt(streamCreatedSeconds) * CREATED_SCALE + BigInt(shardIndex) * SHARD_SCALE).toString().slice(0, -30);
}

/** Returns the position as the last 30 digits of a sequence number. */
export function formatPosition(position: number): string {
  return String(position).padStart(30, '0');
}

/** Returns the position in the shard, or undefined when the number was not issued for this stream and shard. */
export function positionOfSequenceNumber(sequenceNumber: string, streamCreatedSeconds: number, shardIndex: number): number | undefined {
  if (!/^\d{1,128}$/.test(sequenceNumber)) return undefined;
  const position = BigInt(sequenceNumber) - PREFIX - BigInt(streamCreatedSeconds) * CREATED_SCALE - BigInt(shardIndex) * SHARD_SCALE;
  if (position < 0n || position >= SHARD_SCALE) return undefined;
  return Number(position);
}
