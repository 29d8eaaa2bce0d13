/** Shared set-up for the stream tests: stream models, a state folder, a clock the test moves. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { StreamEngine } from '../../src/local/streams/index.ts';
import type { StreamModel } from '../../src/model/index.ts';

export function tempStateDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-streams-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Returns a stream of service `activity` in application `demo`. */
export function streamModel(name: string, settings: Partial<StreamModel> = {}): StreamModel {
  return {
    kind: 'stream',
    id: `activity.${name}`,
    service: 'activity',
    name,
    physicalName: `demo-activity-${name}`,
    envVar: `STRATO_STREAM_${name.toUpperCase().replaceAll('-', '_')}`,
    shards: 1,
    retentionHours: 24,
    consumers: [],
    ...settings,
  };
}

/** A clock that moves only when the test advances it. */
export class TestClock {
  time = Date.UTC(2026, 6, 2, 14, 0, 0);
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export function openStreams(t: { after(fn: () => void): void }, streams: readonly StreamModel[], options: { stateDir?: string; clock?: TestClock } = {}) {
  const stateDir = options.stateDir ?? tempStateDir(t);
  const clock = options.clock ?? new TestClock();
  const engine = new StreamEngine({ stateDir, streams, now: clock.now });
  t.after(() => engine.close());
  return { engine, clock, stateDir };
}

export const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
export const text = (data: Uint8Array): string => Buffer.from(data).toString('utf8');
