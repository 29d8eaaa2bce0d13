/**
 * The retry policy of bus targets. EventBridge retries
 * for 24 hours and up to 185 times, with exponential backoff and jitter,
 * then drops the event or sends it to the target's dead-letter queue.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */

export interface BusRetryOptions {
  /**
   * Retries after the first attempt, 0 to 185.
   * @default 185
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Seconds after the put when an event is no longer retried, 60 to 86400.
   * @default 86400
   */
  readonly maximumEventAgeSeconds?: number;
  /**
   * Cap of the first backoff in milliseconds; the cap doubles with each retry.
   * EventBridge does not publish its backoff, so this is an estimate.
   * @default 1000
   */
  readonly baseDelayMs?: number;
  /**
   * Largest cap of a backoff in milliseconds.
   * @default 300_000
   */
  readonly maxDelayMs?: number;
}

export type BusRetryPolicy = Required<BusRetryOptions>;

export const BUS_RETRY_DEFAULTS: BusRetryPolicy = Object.freeze({
  maximumRetryAttempts: 185,
  maximumEventAgeSeconds: 86_400,
  baseDelayMs: 1000,
  maxDelayMs: 300_000,
});

export function resolveBusRetryPolicy(options: BusRetryOptions = {}): BusRetryPolicy {
  const policy = { ...BUS_RETRY_DEFAULTS, ...definedOnly(options) };
  checkRange('maximumRetryAttempts', policy.maximumRetryAttempts, 0, 185);
  checkRange('maximumEventAgeSeconds', policy.maximumEventAgeSeconds, 60, 86_400);
  checkRange('baseDelayMs', policy.baseDelayMs, 0, Number.MAX_SAFE_INTEGER);
  checkRange('maxDelayMs', policy.maxDelayMs, 0, Number.MAX_SAFE_INTEGER);
  return Object.freeze(policy);
}

/**
 * Returns the wait before retry number `retry` (1 for the first): a random
 * time up to the doubling cap ("full jitter"), so failing targets are not
 * retried in lockstep.
 */
export function backoffDelay(policy: BusRetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry - 1, 30));
  return Math.round(Math.random() * cap);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`Invalid bus retry setting ${name}: ${value}. Use a number from ${min} to ${max}.`);
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
