/**
 * When Lambda retries an asynchronous event.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */

export interface RetryPolicyOptions {
  /**
   * Wait before the second and the third attempt after a function error, in milliseconds.
   * Lambda waits about one minute, then about two.
   * @default [60_000, 120_000]
   */
  readonly retryDelaysMs?: readonly number[];
  /**
   * First wait after a throttle or a service error, in milliseconds. It doubles
   * with each one in a row up to `maxThrottleBackoffMs`, as Lambda backs off
   * from 1 second up to 5 minutes.
   * @default 1000
   */
  readonly throttleBackoffMs?: number;
  /** @default 300_000 */
  readonly maxThrottleBackoffMs?: number;
}

export interface RetryPolicy {
  readonly retryDelaysMs: readonly number[];
  readonly throttleBackoffMs: number;
  readonly maxThrottleBackoffMs: number;
}

export const RETRY_DEFAULTS: RetryPolicy = Object.freeze({
  retryDelaysMs: Object.freeze([60_000, 120_000]),
  throttleBackoffMs: 1000,
  maxThrottleBackoffMs: 300_000,
});

export function resolveRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const policy = {
    retryDelaysMs: options.retryDelaysMs ?? RETRY_DEFAULTS.retryDelaysMs,
    throttleBackoffMs: options.throttleBackoffMs ?? RETRY_DEFAULTS.throttleBackoffMs,
    maxThrottleBackoffMs: options.maxThrottleBackoffMs ?? RETRY_DEFAULTS.maxThrottleBackoffMs,
  };
  for (const [name, value] of [['throttleBackoffMs', policy.throttleBackoffMs], ['maxThrottleBackoffMs', policy.maxThrottleBackoffMs], ...policy.retryDelaysMs.map((delay, i) => [`retryDelaysMs[${i}]`, delay] as const)] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Invalid ${name} ${value}: use a number of milliseconds, 0 or more.`);
  }
  return Object.freeze(policy);
}

/** Returns the wait before retry number `retry` (1 for the first retry) after a function error. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  const delays = policy.retryDelaysMs;
  if (delays.length === 0) return 0;
  return delays[Math.min(retry, delays.length) - 1]!;
}

/** Returns the wait after the `throttles`-th throttle in a row. */
export function throttleDelay(policy: RetryPolicy, throttles: number): number {
  return Math.min(policy.maxThrottleBackoffMs, policy.throttleBackoffMs * 2 ** Math.min(throttles - 1, 30));
}
