/**
 * Ends an execution environment whose memory outgrows its memory size while
 * its thread never yields, such as a synchronous loop that keeps Buffers.
 * The worker's own check runs on its event loop, so it cannot see that.
 * Worker threads share the local cloud's process, so the watchdog samples
 * the process's resident memory on the main thread. It blames an
 * environment only while its event loop is blocked (its heartbeat stopped),
 * and only for growth that the limits of everything that ran since cannot
 * explain.
 * NOTE: memory that the local cloud itself takes while a handler blocks its
 * thread, beyond the slack below, is blamed on that handler.
 */
import { memoryUsage } from 'node:process';

const SAMPLE_INTERVAL_MS = 50;
const BYTES_PER_MB = 1024 * 1024;

/** Growth of the local cloud's own memory (spare workers, caches) allowed on top of the limits. */
const SLACK_BYTES = 64 * BYTES_PER_MB;

export interface WatchedEnvironment {
  readonly memoryLimitBytes: number;
  /** Counter that the worker raises each time its event loop turns during init or an invocation. */
  heartbeat(): number;
  /** Ends the environment with Runtime.OutOfMemory; `usedMB` is the growth blamed on it. */
  endForMemory(usedMB: number): void;
}

/** Baseline of a busy environment: the process's memory when its event loop last turned. */
interface BusyEntry {
  baselineBytes: number;
  /** The heartbeat at the last sample. */
  heartbeat: number;
  /** Limits of the environments already busy at the baseline, whose growth is allowed too. */
  busyLimitBytesAtBaseline: number;
  /** `startedLimitBytes` at the baseline. */
  startedLimitBytesAtBaseline: number;
}

class MemoryWatchdog {
  private readonly busy = new Map<WatchedEnvironment, BusyEntry | undefined>();
  /** Sum of the limits of every invocation or init started: a counter, so the hot path samples nothing. */
  private startedLimitBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Called when an environment starts init or an invocation. */
  busyStarted(environment: WatchedEnvironment): void {
    this.busy.set(environment, undefined);
    this.startedLimitBytes += environment.memoryLimitBytes;
    this.timer ??= setInterval(() => this.sample(), SAMPLE_INTERVAL_MS).unref();
  }

  /** Called when the init or invocation ends, or the environment ends. */
  busyEnded(environment: WatchedEnvironment): void {
    this.busy.delete(environment);
  }

  private sample(): void {
    if (this.busy.size === 0) return;
    const rssBytes = memoryUsage.rss();

    let busyLimitBytes = 0;
    for (const environment of this.busy.keys()) busyLimitBytes += environment.memoryLimitBytes;

    for (const [environment, entry] of this.busy) {
      // A worker whose event loop turns checks its own memory, so the baseline moves up to now.
      const heartbeat = environment.heartbeat();
      if (!entry || entry.heartbeat !== heartbeat) {
        this.busy.set(environment, {
          baselineBytes: rssBytes,
          heartbeat,
          busyLimitBytesAtBaseline: busyLimitBytes - environment.memoryLimitBytes,
          startedLimitBytesAtBaseline: this.startedLimitBytes,
        });
        continue;
      }

      // Everything busy at the baseline or started since may have grown up to its own limit.
      const allowedBytes = environment.memoryLimitBytes + entry.busyLimitBytesAtBaseline + (this.startedLimitBytes - entry.startedLimitBytesAtBaseline) + SLACK_BYTES;
      const growthBytes = rssBytes - entry.baselineBytes;
      if (growthBytes <= allowedBytes) continue;

      this.busy.delete(environment);
      environment.endForMemory(Math.ceil(growthBytes / BYTES_PER_MB));
      return;
    }
  }
}

/** One watchdog for the process, because resident memory is the process's. */
export const memoryWatchdog = new MemoryWatchdog();
