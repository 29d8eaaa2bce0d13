/**
 * ListObjectsV2 over the index: keys in UTF-8 binary order, a prefix, an
 * optional delimiter that rolls keys up into common prefixes, pages of at
 * most 1000 entries and an opaque continuation token.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 */
import { S3Error } from './errors.ts';
import { prefixUpperBound, successorOf } from './keys.ts';
import type { IndexRow, ObjectIndex } from './object-index.ts';
import type { ListObjectsInput, ListObjectsOutput, ObjectSummary } from './types.ts';

export const MAX_KEYS = 1000;

/** Rows read from SQLite per step; a step ends early when a common prefix makes the scan jump ahead. */
const SCAN_BATCH = 256;

export function listObjects(index: ObjectIndex, input: ListObjectsInput): ListObjectsOutput {
  const maxKeys = resolveMaxKeys(input.maxKeys);
  const prefix = Buffer.from(input.prefix ?? '', 'utf8');
  const delimiter = input.delimiter ? Buffer.from(input.delimiter, 'utf8') : undefined;
  const below = prefix.length > 0 ? prefixUpperBound(prefix) : undefined;

  // The scan position is inclusive: every key >= cursor is still to be listed.
  let cursor = startOf(input, prefix);
  const contents: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  const isFull = () => contents.length + commonPrefixes.length >= maxKeys;

  while (!isFull()) {
    const rows = index.scan(input.bucket, cursor, below, SCAN_BATCH);
    if (rows.length === 0) break;

    for (const row of rows) {
      const rolledUp = delimiter ? commonPrefixOf(row.key, prefix.length, delimiter) : undefined;
      if (rolledUp) {
        commonPrefixes.push(rolledUp.toString('utf8'));
        // Every key under this common prefix sorts before its upper bound, so jump there.
        cursor = prefixUpperBound(rolledUp) ?? successorOf(row.key);
        break;
      }
      contents.push(toSummary(row));
      cursor = successorOf(row.key);
      if (isFull()) break;
    }
  }

  const isTruncated = maxKeys > 0 && index.scan(input.bucket, cursor, below, 1).length > 0;
  return {
    contents,
    commonPrefixes,
    keyCount: contents.length + commonPrefixes.length,
    isTruncated,
    ...(isTruncated ? { nextContinuationToken: cursor.toString('base64url') } : {}),
  };
}

function resolveMaxKeys(maxKeys: number | undefined): number {
  if (maxKeys === undefined) return MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new S3Error('InvalidArgument', `Invalid maxKeys ${maxKeys}: use an integer from 0 to ${MAX_KEYS}.`);
  }
  return Math.min(maxKeys, MAX_KEYS);
}

function startOf(input: ListObjectsInput, prefix: Buffer): Buffer {
  if (input.continuationToken !== undefined) {
    const cursor = Buffer.from(input.continuationToken, 'base64url');
    if (cursor.length === 0 || cursor.toString('base64url') !== input.continuationToken) {
      throw new S3Error('InvalidArgument', `The continuation token provided is incorrect: "${input.continuationToken}". Pass the nextContinuationToken of the previous page unchanged.`);
    }
    return cursor;
  }

  const startAfter = input.startAfter ? successorOf(Buffer.from(input.startAfter, 'utf8')) : undefined;
  return startAfter && Buffer.compare(startAfter, prefix) > 0 ? startAfter : prefix;
}

/** Returns the key up to and including the first delimiter after the prefix, or undefined when there is none. */
function commonPrefixOf(key: Buffer, prefixLength: number, delimiter: Buffer): Buffer | undefined {
  const at = key.indexOf(delimiter, prefixLength);
  return at === -1 ? undefined : key.subarray(0, at + delimiter.length);
}

function toSummary(row: IndexRow): ObjectSummary {
  return { key: row.key.toString('utf8'), size: row.size, etag: `"${row.md5}"`, lastModified: new Date(row.lastModified) };
}
