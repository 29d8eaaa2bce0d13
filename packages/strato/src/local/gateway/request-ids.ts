/**
 * Request ids, trace ids and request times in the forms API Gateway writes
 * them, made from a pool of random bytes so the hot path makes no system call
 * per request.
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function takeRandomBytes(count: number): Buffer {
  if (poolOffset + count > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

/** Returns an id such as `Kd8wQm2FIAMEb7g=`: 16 base64 characters, like `requestContext.requestId` of HTTP APIs. */
export function newApiRequestId(): string {
  return takeRandomBytes(11).toString('base64');
}

/** Returns an X-Ray trace header value: `Root=1-<8 hex digits of the epoch second>-<24 hex digits>`. */
export function newTraceId(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${takeRandomBytes(12).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = -1;
let cachedText = '';

/** Formats `requestContext.time` as `dd/Mon/yyyy:HH:mm:ss +0000`, with the space AWS writes before `+0000`. */
export function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second === cachedSecond) return cachedText;

  const date = new Date(second * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  cachedText = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`
    + `:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
  cachedSecond = second;
  return cachedText;
}
