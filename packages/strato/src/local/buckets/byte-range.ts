/**
 * The HTTP Range header of a GET, as S3 reads it: one range of bytes.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-range
 */
import { S3Error } from './errors.ts';

/** Bytes `start` to `end` of an object, both inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Returns the range the header selects in an object of `size` bytes, or
 * undefined when the whole object should be sent: no header, or one that is
 * not a single byte range, which S3 ignores as HTTP allows.
 * Throws InvalidRange when the range starts past the end of the object.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;

  if (match[1] === '') {
    // A suffix range: the last N bytes.
    const length = Number(match[2]);
    if (length === 0) throw invalidRange(header!, size);
    return { start: Math.max(0, size - length), end: size - 1 };
  }

  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) throw invalidRange(header!, size);
  return { start, end };
}

function invalidRange(header: string, size: number): S3Error {
  return new S3Error('InvalidRange', `The requested range is not satisfiable: "${header}" for an object of ${size} bytes.`);
}
