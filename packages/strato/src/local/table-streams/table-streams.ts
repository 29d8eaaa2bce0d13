/**
 * Table change streams, with DynamoDB Streams' semantics. Every change of an
 * item in a table that declares a stream becomes an INSERT, MODIFY or REMOVE
 * record. The record is written on the table store's SQLite connection while
 * the write's transaction is open, so it commits or rolls back with the
 * write, and each consumer function reads the records in order.
 */
import { isDeepStrictEqual } from 'node:util';

import type Database from 'better-sqlite3';

import type { AppModel, FunctionModel, StreamConsumerModel, TableModel } from '../../model/index.ts';
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
  private context: ConsumerContext | undefined;
  private app: AppModel;
  private functions = new Map<string, FunctionModel>();
  private tables = new Map<string, StreamedTable>();
  private readonly region: string;
  private readonly accountId: string;
  private appendsSinceTrim = 0;
  private readonly notifyQueued = new Set<StreamedTable>();

  constructor(private readonly options: TableStreamsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.app = options.app;
  }

  /** Creates the listener the table store calls inside each write's transaction, and starts the consumers. */
  readonly changeListener = (connection: Database.Database): ItemChangeListener => {
    if (this.db) throw new Error('TableStreams is already attached to a table store; create one TableStreams per store.');
    const db = new StreamDb(connection);
    this.db = db;
    db.trim(Date.now() - STREAM_RETENTION_MS);
    this.context = this.consumerContext(db);
    this.tables = this.buildTables(db, this.context, new Map());

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

  /**
   * Uses the tables and consumers of a reloaded model. Consumers whose
   * settings did not change keep running; the others stop after their batch
   * in flight and start again from their checkpoint with the new settings.
   */
  async update(app: AppModel): Promise<void> {
    this.app = app;
    this.functions = new Map(app.functions.map((fn) => [fn.id, fn]));
    if (!this.db || !this.context) return;

    const previous = this.tables;
    const kept = new Set<TableStreamConsumer>();
    for (const table of app.tables) {
      const running = previous.get(table.physicalName)?.consumers ?? [];
      for (const mapping of table.stream?.consumers ?? []) {
        const same = running.find((consumer) => isDeepStrictEqual(consumer.mapping, mapping));
        if (same) kept.add(same);
      }
    }
    const stopped = [...previous.values()].flatMap((table) => table.consumers).filter((consumer) => !kept.has(consumer));
    await Promise.all(stopped.map((consumer) => consumer.close()));

    this.tables = this.buildTables(this.db, this.context, new Map([...kept].map((consumer) => [consumer, consumer.mapping])));
  }

  /** Stops every consumer after its batch in flight. The table store closes the database. */
  async close(): Promise<void> {
    await Promise.all([...this.tables.values()].flatMap((table) => table.consumers.map((consumer) => consumer.close())));
  }

  private consumerContext(db: StreamDb): ConsumerContext {
    const { options } = this;
    this.functions = new Map(this.app.functions.map((fn) => [fn.id, fn]));
    return {
      db,
      invoker: options.invoker,
      getFunction: (id) => this.functions.get(id),
      sendToQueue: options.sendToQueue,
      logger: options.logger ?? silentLogger,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
      region: this.region,
      accountId: this.accountId,
      onBatch: options.onBatch,
    };
  }

  /** Builds the streamed tables of the current model, reusing the running consumers given with their settings. */
  private buildTables(db: StreamDb, context: ConsumerContext, running: ReadonlyMap<TableStreamConsumer, StreamConsumerModel>): Map<string, StreamedTable> {
    const tables = new Map<string, StreamedTable>();
    const available = new Set(running.keys());
    for (const table of this.app.tables) {
      if (!table.stream) continue;
      const streamArn = this.streamArn(db, table);
      const consumers = table.stream.consumers.map((mapping) => {
        const reused = [...available].find((consumer) => consumer.id === `${table.physicalName}->${mapping.functionId}` && isDeepStrictEqual(running.get(consumer), mapping));
        if (reused) {
          available.delete(reused);
          return reused;
        }
        return new TableStreamConsumer(table.physicalName, streamArn, mapping, context);
      });
      tables.set(table.physicalName, { viewType: table.stream.viewType, streamArn, consumers });
    }
    return tables;
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
