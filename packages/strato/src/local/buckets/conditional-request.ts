/**
 * Conditional GET and HEAD, as S3 evaluates them: If-Match and
 * If-Unmodified-Since can fail the request with 412, and If-None-Match and
 * If-Modified-Since can end it with 304 Not Modified.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { ObjectInfo } from './types.ts';

export type ConditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

export function evaluateConditions(headers: IncomingHttpHeaders, info: ObjectInfo): ConditionOutcome {
  // HTTP dates have whole seconds, so the object's time is compared at that precision.
  const modifiedAt = Math.floor(info.lastModified.getTime() / 1000) * 1000;

  // S3: when If-Match holds, a failing If-Unmodified-Since is ignored.
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, info.etag)) return 'precondition-failed';
  } else {
    const unmodifiedSince = parseHttpDate(headers['if-unmodified-since']);
    if (unmodifiedSince !== undefined && modifiedAt > unmodifiedSince) return 'precondition-failed';
  }

  // S3: when If-None-Match fails (the ETag matches), the object is not modified, whatever the If-Modified-Since date.
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, info.etag) ? 'not-modified' : 'proceed';

  const modifiedSince = parseHttpDate(headers['if-modified-since']);
  if (modifiedSince !== undefined && modifiedAt <= modifiedSince) return 'not-modified';
  return 'proceed';
}

/** Checks a header such as `"abc", W/"def"` or `*` against a quoted ETag. */
function etagListMatches(header: string, etag: string): boolean {
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
