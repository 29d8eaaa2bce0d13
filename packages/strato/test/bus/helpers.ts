import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { EventBus, type BusDeliveryOutcome, type BusEvent, type BusTargets, type EventBusOptions } from '../../src/local/bus/index.ts';
import { resolveApp, type AppModel, type RuleConfig } from '../../src/model/index.ts';

const fixtureRoot = path.join(import.meta.dirname, '../fixtures/hello');

/** Builds an application with one service, `feed`, and the given rules. */
export function appWithRules(rules: Record<string, RuleConfig>): AppModel {
  return resolveApp({
    name: 'demo',
    services: {
      feed: {
        functions: { follow: { handler: 'src/hello.handler' }, audit: { handler: 'src/hello.handler' } },
        queues: { inbox: {} },
        rules,
      },
    },
  }, fixtureRoot);
}

/**
 * Targets that record what the bus hands them. `failures` makes the next
 * calls to a target throw the given errors, in order.
 */
export class RecordingTargets implements BusTargets {
  readonly invoked: { functionId: string; event: BusEvent }[] = [];
  readonly sent: { queueId: string; body: string }[] = [];
  readonly failures = new Map<string, Error[]>();

  async invokeFunction(functionId: string, event: BusEvent): Promise<void> {
    this.throwIfFailing(functionId);
    this.invoked.push({ functionId, event });
  }

  async sendToQueue(queueId: string, body: string): Promise<void> {
    this.throwIfFailing(queueId);
    this.sent.push({ queueId, body });
  }

  private throwIfFailing(id: string): void {
    const error = this.failures.get(id)?.shift();
    if (error) throw error;
  }
}

export function tempStateDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-bus-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a bus whose delivery outcomes can be awaited one at a time, in the order they happen. */
export function openBus(options: Omit<EventBusOptions, 'onDelivery'>) {
  const outcomes: BusDeliveryOutcome[] = [];
  const waiters: ((outcome: BusDeliveryOutcome) => void)[] = [];
  const bus = new EventBus({
    ...options,
    onDelivery: (outcome) => {
      const waiter = waiters.shift();
      if (waiter) waiter(outcome);
      else outcomes.push(outcome);
    },
  });
  const nextOutcome = (): Promise<BusDeliveryOutcome> => {
    const ready = outcomes.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
  };
  return { bus, nextOutcome };
}

export function entry(detail: unknown, fields: Record<string, unknown> = {}) {
  return { Source: 'photo-sharing.photos', DetailType: 'PhotoReady', Detail: JSON.stringify(detail), ...fields };
}
