/** Shared set-up for the queue tests: queue models, a state folder, a clock the test moves. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { QueueEngine } from '../../src/local/queues/index.ts';
import type { QueueModel } from '../../src/model/index.ts';

export function tempStateDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-queues-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Returns a queue of service `jobs` in application `demo`, with SQS's defaults. */
export function queueModel(name: string, settings: Partial<QueueModel> = {}): QueueModel {
  const fifo = settings.fifo ?? false;
  return {
    kind: 'queue',
    id: `jobs.${name}`,
    service: 'jobs',
    name,
    physicalName: `demo-jobs-${name}${fifo ? '.fifo' : ''}`,
    envVar: `STRATO_QUEUE_${name.toUpperCase().replaceAll('-', '_')}`,
    fifo,
    contentBasedDeduplication: false,
    visibilityTimeoutSeconds: 30,
    retentionSeconds: 345_600,
    deliveryDelaySeconds: 0,
    ...settings,
  };
}

/** A queue with a dead-letter queue named `<name>-dlq`, as the model resolves `maxReceiveCount`. */
export function queueWithDeadLetter(name: string, maxReceiveCount: number, settings: Partial<QueueModel> = {}): QueueModel[] {
  const deadLetter = queueModel(`${name}-dlq`, { fifo: settings.fifo, retentionSeconds: 1_209_600 });
  return [queueModel(name, { ...settings, deadLetter: { queueId: deadLetter.id, maxReceiveCount } }), deadLetter];
}

/** A clock that moves only when the test advances it. */
export class TestClock {
  time = Date.UTC(2026, 6, 2, 14, 0, 0);
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export function openEngine(t: { after(fn: () => void): void }, queues: readonly QueueModel[], options: { stateDir?: string; clock?: TestClock } = {}) {
  const stateDir = options.stateDir ?? tempStateDir(t);
  const clock = options.clock ?? new TestClock();
  const engine = new QueueEngine({ stateDir, queues, now: clock.now });
  t.after(() => engine.close());
  return { engine, clock, stateDir };
}
