import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

import { TableStreams, type BatchOutcome, type TableStreamsOptions } from '../../src/local/table-streams/index.ts';
import { createTableStore } from '../../src/local/tables/index.ts';
import { resolveApp, type AppModel, type FunctionModel, type StreamConsumerConfig, type TableConfig } from '../../src/model/index.ts';
import type { InvokeResult, Invoker } from '../../src/runtime/types.ts';

const fixtureRoot = path.join(import.meta.dirname, '../fixtures/hello');

/** Builds an application whose `feed.items` table streams to the function `project`. */
export function appWithStream(viewType: NonNullable<TableConfig['stream']>['viewType'], consumer: Partial<StreamConsumerConfig> = {}): AppModel {
  return resolveApp({
    name: 'demo',
    services: {
      feed: {
        functions: { project: { handler: 'src/hello.handler' } },
        queues: { failures: {} },
        tables: {
          items: { partitionKey: 'owner', sortKey: 'id', stream: { viewType, consumers: [{ function: 'project', startingPosition: 'TRIM_HORIZON', ...consumer }] } },
          plain: { partitionKey: 'id' },
        },
      },
    },
  }, fixtureRoot);
}

type Handler = (event: DynamoDBStreamEvent) => unknown;

/**
 * Runs a handler in this process for every invocation, and records each
 * event. It replaces the runtime's worker threads, which these tests do not
 * need.
 */
export class InProcessInvoker implements Invoker {
  readonly events: DynamoDBStreamEvent[] = [];
  handler: Handler = () => undefined;

  async invoke(_fn: FunctionModel, event: unknown): Promise<InvokeResult> {
    const streamEvent = structuredClone(event) as DynamoDBStreamEvent;
    this.events.push(streamEvent);
    try {
      return { ok: true, requestId: 'local', payload: await this.handler(streamEvent) };
    } catch (error) {
      const failure = error as Error;
      return { ok: false, requestId: 'local', error: { errorType: failure.name, errorMessage: failure.message } };
    }
  }

  /** Returns every record delivered so far, in delivery order. */
  records(): DynamoDBRecord[] {
    return this.events.flatMap((event) => event.Records);
  }
}

export function tempStateDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'strato-table-streams-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Opens a real table store with its streams, whose batch outcomes can be
 * awaited one at a time, in order. `close` stops the streams, then the store.
 */
export function openStreams(options: Omit<TableStreamsOptions, 'onBatch'> & { readonly stateDir: string }) {
  const outcomes: BatchOutcome[] = [];
  const waiters: ((outcome: BatchOutcome) => void)[] = [];
  const streams = new TableStreams({
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    ...options,
    onBatch: (outcome) => {
      const waiter = waiters.shift();
      if (waiter) waiter(outcome);
      else outcomes.push(outcome);
    },
  });
  const store = createTableStore({ stateDir: options.stateDir, tables: options.app.tables, changeListener: streams.changeListener });
  const nextOutcome = (): Promise<BatchOutcome> => {
    const ready = outcomes.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
  };
  const close = async () => {
    await streams.close();
    store.close();
  };
  return { streams, store, nextOutcome, close };
}

export const TABLE = 'demo-feed-items';
