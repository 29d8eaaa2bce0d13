/**
 * Table change streams, with DynamoDB Streams' semantics. Every change of an
 * item in a table that declares a stream becomes an INSERT, MODIFY or REMOVE
 * record. The record is appended to SQLite while the table write is still in
 * its transaction, and each consumer function reads the records in order.
 *
 * NOTE: the records live in their own SQLite file, so the append commits
 * just before the table write does. A crash between the two commits leaves
 * a record of a write that did not happen; no committed write loses its
 * record.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { AppModel, FunctionModel, TableModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import type { Invoker } from '../../runtime/types.ts';
import { STREAM_RETENTION_MS, TableStreamConsumer, type BatchOutcome } from './consumer.ts';
import { StreamDb, type AbandonedBatch } from './stream-db.ts';
import { buildStreamRecord, type StreamViewType, type TableChange } from './stream-record.ts';

export interface TableStreamsOptions {
  /** Folder of the local cloud's state; the streams keep `table-streams.sqlite` there. */
  readonly stateDir: string;
  readonly app: AppModel;
  /** Runs consumer functions synchronously, as an event source mapping does. */
  readonly invoker: Invoker;
  /** Sends the record of an abandoned batch to a consumer's on-failure queue. */
  readonly sendToQueue?: (queueId: string, body: string) => Promise<unknown>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * First wait before retrying a failed batch, in milliseconds; it doubles with each retry.
   * @default 500
   */
  readonly retryBaseDelayMs?: number;
  /** @default 30_000 */
  readonly retryMaxDelayMs?: number;
  readonly logger?: Logger;
  /** Called after each batch, for logs, metrics and tests. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

interface StreamedTable {
  readonly viewType: StreamViewType;
  readonly streamArn: string;
  readonly consumers: readonly TableStreamConsumer[];
}

/** Appends are counted so that old records are trimmed now and then, not on every write. */
const TRIM_EVERY = 1000;

export class TableStreams {
  private readonly db: StreamDb;
  private readonly tables = new Map<string, StreamedTable>();
  private readonly region: string;
  private appendsSinceTrim = 0;
  private notifyQueued = new Set<StreamedTable>();

  constructor(options: TableStreamsOptions) {
    mkdirSync(options.stateDir, { recursive: true });
    this.db = new StreamDb(path.join(options.stateDir, 'table-streams.sqlite'));
    this.db.trim(Date.now() - STREAM_RETENTION_MS);
    this.region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '000000000000';

    const functions = new Map<string, FunctionModel>(options.app.functions.map((fn) => [fn.id, fn]));
    const context = {
      db: this.db,
      invoker: options.invoker,
      getFunction: (id: string) => functions.get(id),
      sendToQueue: options.sendToQueue,
      logger: options.logger ?? silentLogger,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
      region: this.region,
      accountId,
      onBatch: options.onBatch,
    };

    for (const table of options.app.tables) {
      if (!table.stream) continue;
      const streamArn = this.streamArn(table, accountId);
      const consumers = table.stream.consumers.map((mapping) => new TableStreamConsumer(table.physicalName, streamArn, mapping, context));
      this.tables.set(table.physicalName, { viewType: table.stream.viewType, streamArn, consumers });
    }
  }

  /**
   * Appends the record of a change, synchronously, for the table store to
   * call inside the write's transaction. Throwing here fails the write.
   */
  readonly onChange = (change: TableChange): void => {
    const table = this.tables.get(change.table);
    if (!table) return;

    const createdAt = Date.now();
    this.db.append(change.table, createdAt, (sequence) => JSON.stringify(buildStreamRecord(change, {
      viewType: table.viewType, streamArn: table.streamArn, region: this.region, sequence, createdAt,
    })));

    if (++this.appendsSinceTrim >= TRIM_EVERY) {
      this.appendsSinceTrim = 0;
      this.db.trim(createdAt - STREAM_RETENTION_MS);
    }
    this.queueNotify(table);
  };

  /** Returns the batches that consumers gave up on, oldest first. */
  listAbandoned(limit = 1000): AbandonedBatch[] {
    return this.db.listAbandoned(limit);
  }

  /** Returns each consumer's iterator age: how old its oldest unprocessed record is. */
  iteratorAges(now = Date.now()): { consumerId: string; ageMs: number }[] {
    return [...this.tables.values()].flatMap((table) => table.consumers.map((consumer) => ({ consumerId: consumer.id, ageMs: consumer.iteratorAgeMs(now) })));
  }

  /** Stops every consumer after its batch in flight and closes the database. */
  async close(): Promise<void> {
    await Promise.all([...this.tables.values()].flatMap((table) => table.consumers.map((consumer) => consumer.close())));
    this.db.close();
  }

  /** Wakes the table's consumers once the write's transaction has committed. */
  private queueNotify(table: StreamedTable): void {
    if (this.notifyQueued.has(table)) return;
    this.notifyQueued.add(table);
    setImmediate(() => {
      this.notifyQueued.delete(table);
      for (const consumer of table.consumers) consumer.notify();
    });
  }

  private streamArn(table: TableModel, accountId: string): string {
    const label = this.db.label(table.physicalName, new Date());
    return `arn:aws:dynamodb:${this.region}:${accountId}:table/${table.physicalName}/stream/${label}`;
  }
}
