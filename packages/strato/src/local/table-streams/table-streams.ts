/**
 * Table change streams, with DynamoDB Streams' semantics. Every change of an
 * item in a table that declares a stream becomes an INSERT, MODIFY or REMOVE
 * record. The record is written on the table store's SQLite connection while
 * the write's transaction is open, so it commits or rolls back with the
 * write, and each consumer function reads the records in order.
 */
import type Database from 'better-sqlite3';

import type { AppModel, FunctionModel, TableModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import type { Invoker } from '../../runtime/types.ts';
import type { ItemChange, ItemChangeListener } from '../tables/index.ts';
import { STREAM_RETENTION_MS, TableStreamConsumer, type BatchOutcome, type ConsumerContext } from './consumer.ts';
import { StreamDb, type AbandonedBatch } from './stream-db.ts';
import { buildStreamRecord, type StreamViewType } from './stream-record.ts';

export interface TableStreamsOptions {
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

/**
 * The streams of an application's tables. Pass `changeListener` to the table
 * store, which calls it once with its connection; the consumers start then.
 * Close the streams before the table store, which owns the connection.
 */
export class TableStreams {
  private db: StreamDb | undefined;
  private readonly tables = new Map<string, StreamedTable>();
  private readonly region: string;
  private readonly accountId: string;
  private appendsSinceTrim = 0;
  private readonly notifyQueued = new Set<StreamedTable>();

  constructor(private readonly options: TableStreamsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
  }

  /** Creates the listener the table store calls inside each write's transaction, and starts the consumers. */
  readonly changeListener = (connection: Database.Database): ItemChangeListener => {
    if (this.db) throw new Error('TableStreams is already attached to a table store; create one TableStreams per store.');
    const db = new StreamDb(connection);
    this.db = db;
    db.trim(Date.now() - STREAM_RETENTION_MS);
    this.startConsumers(db);

    return {
      wants: (table) => this.tables.has(table),
      onChange: (change) => this.append(db, change),
    };
  };

  /** Returns the batches that consumers gave up on, oldest first. */
  listAbandoned(limit = 1000): AbandonedBatch[] {
    return this.db?.listAbandoned(limit) ?? [];
  }

  /** Returns each consumer's iterator age: how old its oldest unprocessed record is. */
  iteratorAges(now = Date.now()): { consumerId: string; ageMs: number }[] {
    return [...this.tables.values()].flatMap((table) => table.consumers.map((consumer) => ({ consumerId: consumer.id, ageMs: consumer.iteratorAgeMs(now) })));
  }

  /** Stops every consumer after its batch in flight. The table store closes the database. */
  async close(): Promise<void> {
    await Promise.all([...this.tables.values()].flatMap((table) => table.consumers.map((consumer) => consumer.close())));
  }

  private startConsumers(db: StreamDb): void {
    const { options } = this;
    const functions = new Map<string, FunctionModel>(options.app.functions.map((fn) => [fn.id, fn]));
    const context: ConsumerContext = {
      db,
      invoker: options.invoker,
      getFunction: (id) => functions.get(id),
      sendToQueue: options.sendToQueue,
      logger: options.logger ?? silentLogger,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
      region: this.region,
      accountId: this.accountId,
      onBatch: options.onBatch,
    };

    for (const table of options.app.tables) {
      if (!table.stream) continue;
      const streamArn = this.streamArn(db, table);
      const consumers = table.stream.consumers.map((mapping) => new TableStreamConsumer(table.physicalName, streamArn, mapping, context));
      this.tables.set(table.physicalName, { viewType: table.stream.viewType, streamArn, consumers });
    }
  }

  private append(db: StreamDb, change: ItemChange): void {
    const table = this.tables.get(change.table);
    if (!table) return;

    const createdAt = Date.now();
    db.append(change.table, createdAt, (sequence) => JSON.stringify(buildStreamRecord(change, {
      viewType: table.viewType, streamArn: table.streamArn, region: this.region, sequence, createdAt,
    })));

    if (++this.appendsSinceTrim >= TRIM_EVERY) {
      this.appendsSinceTrim = 0;
      db.trim(createdAt - STREAM_RETENTION_MS);
    }
    this.queueNotify(table);
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

  private streamArn(db: StreamDb, table: TableModel): string {
    const label = db.label(table.physicalName, new Date());
    return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${table.physicalName}/stream/${label}`;
  }
}
