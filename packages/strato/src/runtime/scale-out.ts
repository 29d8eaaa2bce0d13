/**
 * When a request finds no idle environment of its function, the pool decides
 * whether to wait for a busy one or to start a new one. Lambda starts a new
 * environment for every concurrent request, but on Lambda each environment
 * has its own CPU and memory; here they share the developer's few cores. So
 * the local rule is:
 *
 * 1. When the function is fast (its recent median duration is under
 *    `MAX_WAIT_FOR_WARM_MS`), a request waits up to that long for a busy
 *    environment to finish. Fast handlers then reuse a few warm environments
 *    instead of piling up one per connection, which on two cores costs more
 *    time (cold starts, thread switches) and memory than the wait. Requests
 *    of slower functions, whose invocations genuinely overlap, start an
 *    environment of their own at once, as on Lambda.
 *    A request waits another round when the queue still moves and the
 *    handlers' durations would drain it in time: the wait then comes from
 *    the local cloud's own thread, which a new environment would not speed up.
 * 2. At most `MAX_STARTS_AT_ONCE` environments of a function start at the
 *    same time; the other requests wait in turn, and a warm environment that
 *    frees up serves them first. Lambda too scales up at a bounded rate
 *    (1,000 execution environments every 10 seconds per function); a cold
 *    start here is CPU work, so starting more at once than there are cores
 *    only slows each one down.
 * Reserved and account concurrency are checked before either step, so
 * throttling is the same as on Lambda.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
 */
import { availableParallelism } from 'node:os';

/** Maximum time a request waits for a busy environment before it starts a new one. */
export const MAX_WAIT_FOR_WARM_MS = 5;

/** Environments of one function that may start at the same time. */
export const MAX_STARTS_AT_ONCE = Math.max(2, availableParallelism());

/** How many recent invocations the median duration is taken over. */
const SAMPLE_COUNT = 32;

/** The median is computed again after this many new samples, not on every request. */
const SAMPLES_PER_MEDIAN = 8;

/** Recent durations of one function's invocations, as the pool records them. */
export class RecentDurations {
  private readonly samples = new Float64Array(SAMPLE_COUNT);
  private count = 0;
  private next = 0;
  private sinceMedian = 0;
  private median = 0;

  add(durationMs: number): void {
    this.samples[this.next] = durationMs;
    this.next = (this.next + 1) % SAMPLE_COUNT;
    if (this.count < SAMPLE_COUNT) this.count++;
    if (++this.sinceMedian >= SAMPLES_PER_MEDIAN || this.count < SAMPLES_PER_MEDIAN) this.updateMedian();
  }

  /** Milliseconds a request may wait for a busy environment: 0 until an invocation has finished, or when invocations are slow. */
  patienceMs(): number {
    return this.count > 0 && this.median < MAX_WAIT_FOR_WARM_MS ? MAX_WAIT_FOR_WARM_MS : 0;
  }

  /** Returns the median of the recent durations in milliseconds, or 0 before the first. */
  medianMs(): number {
    return this.median;
  }

  private updateMedian(): void {
    this.sinceMedian = 0;
    const sorted = this.samples.slice(0, this.count).sort();
    this.median = sorted[Math.floor(this.count / 2)]!;
  }
}
