/**
 * The SQL databases of the local cloud, with the RDS Data API's model of
 * work: each statement is its own transaction unless it names one that
 * `beginTransaction` opened. Statements of one database run one at a time,
 * because PGlite has a single connection.
 */
import { randomUUID } from 'node:crypto';

import type { PGlite } from '@electric-sql/pglite';

import type { DatabaseModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { DatabaseServiceError, isPostgresError, statementError } from './errors.ts';
import { LocalDatabase } from './local-database.ts';
import type { BeginTransactionOutput, QueryInput, QueryOutput, TransactionInput } from './types.ts';

/**
 * The Data API rolls back a transaction that has no calls for three minutes.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_BeginTransaction.html
 */
export const TRANSACTION_IDLE_SECONDS = 180;

/**
 * The Data API's limits on one statement: its SQL text, and the data a
 * call returns, beyond which the call is terminated.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html
 */
export const MAX_SQL_LENGTH = 65_536;
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface DatabaseEngineOptions {
  /** Folder of local state; each database keeps its files in `databases/<physicalName>/` below it. */
  readonly stateDir: string;
  readonly databases: readonly DatabaseModel[];
  readonly logger?: Logger;
  /** Seconds without calls after which an open transaction is rolled back. @default 180 */
  readonly transactionIdleSeconds?: number;
}

interface OpenTransaction {
  readonly database: LocalDatabase;
  readonly pg: PGlite;
  readonly release: () => void;
  idleTimer: NodeJS.Timeout;
}

export class DatabaseEngine {
  readonly #databases = new Map<string, LocalDatabase>();
  readonly #transactions = new Map<string, OpenTransaction>();
  readonly #idleMs: number;
  readonly #logger: Logger;
  readonly #stateDir: string;

  /** Starts opening and migrating every database; statements wait until their database is ready. */
  constructor(options: DatabaseEngineOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#idleMs = (options.transactionIdleSeconds ?? TRANSACTION_IDLE_SECONDS) * 1000;
    this.#stateDir = options.stateDir;
    this.update(options.databases);
  }

  /**
   * Takes a new model of the application: opens the databases it adds,
   * opens again those that failed to open, and applies new migrations to
   * the others. `ready` resolves once that work is done.
   * NOTE: a database removed from the model stays open until a restart.
   */
  update(databases: readonly DatabaseModel[]): void {
    for (const model of databases) {
      const current = this.#databases.get(model.physicalName);
      if (!current || current.failed) {
        this.#databases.set(model.physicalName, new LocalDatabase(model, this.#stateDir, this.#logger));
      } else if (model.migrationsDir) {
        current.migrate(model.migrationsDir);
      }
    }
  }

  /** Resolves once the database is open and migrated; rejects with the migration that failed while it opened. */
  async ready(physicalName: string): Promise<void> {
    await this.#database(physicalName).ready();
  }

  /** Runs one statement, on its own or in an open transaction. */
  async query(physicalName: string, input: QueryInput): Promise<QueryOutput> {
    const { sql, params } = checkQueryInput(input);
    const database = this.#database(physicalName);
    if (input.transactionId !== undefined) {
      const transaction = this.#transaction(database, input.transactionId);
      this.#touch(input.transactionId, transaction);
      return await runStatement(transaction.pg, sql, params);
    }

    const pg = await openedOrUnavailable(database);
    return await database.lock.run(() => runStatement(pg, sql, params));
  }

  /**
   * Opens a transaction that keeps the database to itself until it is committed, rolled back or idle too long.
   * NOTE: a handler that times out or crashes inside a transaction leaves it open, so the other statements of
   * its database wait until the idle rollback, up to three minutes later. Aurora would serve them meanwhile.
   */
  async beginTransaction(physicalName: string): Promise<BeginTransactionOutput> {
    const database = this.#database(physicalName);
    const pg = await openedOrUnavailable(database);
    const release = await database.lock.acquire();
    try {
      await pg.exec('BEGIN');
    } catch (error) {
      release();
      throw error;
    }

    const transactionId = randomUUID();
    const transaction: OpenTransaction = { database, pg, release, idleTimer: this.#idleTimer(transactionId) };
    this.#transactions.set(transactionId, transaction);
    return { transactionId };
  }

  async commitTransaction(physicalName: string, input: TransactionInput): Promise<{ transactionStatus: string }> {
    await this.#end(physicalName, input, 'COMMIT');
    return { transactionStatus: 'Transaction Committed' };
  }

  async rollbackTransaction(physicalName: string, input: TransactionInput): Promise<{ transactionStatus: string }> {
    await this.#end(physicalName, input, 'ROLLBACK');
    return { transactionStatus: 'Rollback Complete' };
  }

  /** Rolls back open transactions and closes every database. */
  async close(): Promise<void> {
    for (const [transactionId, transaction] of this.#transactions) {
      await this.#finish(transactionId, transaction, 'ROLLBACK').catch(() => undefined);
    }
    await Promise.all([...this.#databases.values()].map((database) => database.close()));
  }

  #database(physicalName: string): LocalDatabase {
    const database = this.#databases.get(physicalName);
    if (!database) {
      const known = [...this.#databases.keys()].join(', ') || 'none';
      throw new DatabaseServiceError('DatabaseNotFoundException', `Database "${physicalName}" does not exist in this local cloud; its databases are: ${known}. Declare it under \`databases\` of its service in strato.config.ts.`);
    }
    return database;
  }

  #transaction(database: LocalDatabase, transactionId: unknown): OpenTransaction {
    const transaction = typeof transactionId === 'string' ? this.#transactions.get(transactionId) : undefined;
    if (!transaction || transaction.database !== database) {
      throw new DatabaseServiceError('TransactionNotFoundException', `Transaction ${JSON.stringify(transactionId)} is not open on database "${database.model.id}": it was committed, rolled back, idle for more than ${this.#idleMs / 1000} s, or begun on another database.`);
    }
    return transaction;
  }

  async #end(physicalName: string, input: TransactionInput, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const transactionId = (input as Partial<TransactionInput> | undefined)?.transactionId;
    const transaction = this.#transaction(this.#database(physicalName), transactionId);
    await this.#finish(transactionId as string, transaction, statement);
  }

  async #finish(transactionId: string, transaction: OpenTransaction, statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.#transactions.delete(transactionId);
    clearTimeout(transaction.idleTimer);
    try {
      await runStatement(transaction.pg, statement, []);
    } finally {
      transaction.release();
    }
  }

  #touch(transactionId: string, transaction: OpenTransaction): void {
    clearTimeout(transaction.idleTimer);
    transaction.idleTimer = this.#idleTimer(transactionId);
  }

  #idleTimer(transactionId: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const transaction = this.#transactions.get(transactionId);
      if (!transaction) return;
      this.#logger.warn('Transaction %s on database "%s" had no calls for %d s and was rolled back, as the Data API does.', transactionId, transaction.database.model.id, this.#idleMs / 1000);
      this.#finish(transactionId, transaction, 'ROLLBACK').catch((error: unknown) => this.#logger.error('Rolling back transaction %s failed: %s', transactionId, error));
    }, this.#idleMs);
    timer.unref();
    return timer;
  }
}

async function openedOrUnavailable(database: LocalDatabase): Promise<PGlite> {
  try {
    return await database.opened;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseServiceError('DatabaseUnavailableException', `Database "${database.model.id}" is not available. ${reason}`);
  }
}

/** Runs one statement and turns a Postgres error into the Data API's `DatabaseErrorException`. */
async function runStatement(pg: PGlite, sql: string, params: readonly unknown[]): Promise<QueryOutput> {
  try {
    const result = await pg.query<Record<string, unknown>>(sql, params as unknown[]);
    checkResponseSize(result.rows);
    return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
  } catch (error) {
    throw isPostgresError(error) ? statementError(error) : error;
  }
}

/** Rejects rows whose JSON, as the Data API's `formattedRecords` would carry them, exceeds the response limit. */
function checkResponseSize(rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const bytes = Buffer.byteLength(JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
  if (bytes > MAX_RESPONSE_BYTES) {
    // NOTE: the message is the one Aurora Serverless v1 was reported to return; the exact wording on Serverless v2 is unverified.
    throw new DatabaseServiceError('BadRequestException', `Database returned more than the allowed response size limit: ${bytes} bytes in ${rows.length} rows, over the Data API's limit of ${MAX_RESPONSE_BYTES}. Select fewer rows with LIMIT, or fewer columns.`);
  }
}

function checkQueryInput(input: QueryInput | undefined): { sql: string; params: readonly unknown[] } {
  const sql = input?.sql;
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new DatabaseServiceError('BadRequestException', `The SQL statement must be a non-empty string; received ${JSON.stringify(sql)}.`);
  }
  if (sql.length > MAX_SQL_LENGTH) {
    throw new DatabaseServiceError('BadRequestException', `The SQL statement has ${sql.length} characters, over the Data API's limit of ${MAX_SQL_LENGTH}. Pass large values as parameters instead of in the SQL text.`);
  }
  const params = input?.params ?? [];
  if (!Array.isArray(params)) {
    throw new DatabaseServiceError('BadRequestException', `The parameters must be an array, matched to $1, $2 and so on; received ${JSON.stringify(params)}.`);
  }
  return { sql, params };
}
