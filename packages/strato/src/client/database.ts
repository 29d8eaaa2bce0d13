/**
 * The database client: runs SQL (Postgres dialect) on one linked database,
 * PGlite in the local cloud and Aurora PostgreSQL through the RDS Data API
 * on AWS.
 *
 * ```ts
 * import { database } from 'strato/client';
 *
 * const stats = database('stats');
 * const { rows } = await stats.query<{ views: number }>('SELECT views FROM photo_counts WHERE photo_id = $1', [photoId]);
 * await stats.transaction(async (tx) => {
 *   await tx.query('UPDATE photo_counts SET likes = likes + 1 WHERE photo_id = $1', [photoId]);
 * });
 * ```
 *
 * Parameters are positional, `$1`, `$2` and so on, with both drivers: the
 * AWS driver renames them to the Data API's named parameters `:p1`, `:p2`.
 * A failed statement rejects with a `DatabaseError` whose `code` is the
 * Postgres SQLSTATE, such as `23505` for a unique violation.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html
 */
import type { BeginTransactionOutput, QueryOutput, SqlParameter } from '../local/databases/types.ts';
import { callDriver } from './driver.ts';
import { physicalNameOf } from './resource-names.ts';

export type { QueryOutput, SqlParameter };

/**
 * A failed SQL statement, with the Data API's error name `DatabaseErrorException`.
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseErrorException';

  /** @param code The five-character Postgres SQLSTATE, such as `42P01` for an undefined table. */
  constructor(message: string, readonly code: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Runs statements in one transaction; only valid inside the callback of `transaction`. */
export interface DatabaseTransaction {
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly SqlParameter[]): Promise<QueryOutput<T>>;
}

export class DatabaseClient {
  /** Value of the linked environment variable: the physical name locally, the cluster, secret and database as JSON on AWS. */
  readonly resource: string;

  constructor(linkName: string) {
    this.resource = physicalNameOf('DATABASE', linkName);
  }

  /** Runs one statement, committed on its own. */
  async query<T extends object = Record<string, unknown>>(sql: string, params: readonly SqlParameter[] = []): Promise<QueryOutput<T>> {
    return await this.#call('query', { sql, params }) as QueryOutput<T>;
  }

  /**
   * Runs `work` in a transaction: commits when it resolves, rolls back and
   * rethrows when it rejects. Locally the transaction keeps every other
   * statement of the database waiting until it ends, so keep it short.
   */
  async transaction<R>(work: (tx: DatabaseTransaction) => Promise<R>): Promise<R> {
    const { transactionId } = await this.#call('beginTransaction', {}) as BeginTransactionOutput;
    const tx: DatabaseTransaction = {
      query: async <T extends object>(sql: string, params: readonly SqlParameter[] = []) =>
        await this.#call('query', { sql, params, transactionId }) as QueryOutput<T>,
    };

    let result: R;
    try {
      result = await work(tx);
    } catch (error) {
      await this.#call('rollbackTransaction', { transactionId }).catch(() => undefined);
      throw error;
    }
    await this.#call('commitTransaction', { transactionId });
    return result;
  }

  async #call(op: string, input: object): Promise<unknown> {
    try {
      return await callDriver('database', this.resource, op, input);
    } catch (error) {
      throw asDatabaseError(error);
    }
  }
}

/** Returns a client for a database the function links. */
export function database(name: string): DatabaseClient {
  return new DatabaseClient(name);
}

/** Both drivers end the message of a failed statement with `SQLState: <code>`, as the Data API words it. */
const SQL_STATE = /SQLState: ([0-9A-Z]{5})/;

function asDatabaseError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'DatabaseErrorException') return error;
  const code = SQL_STATE.exec(error.message)?.[1];
  return code ? new DatabaseError(error.message, code, { cause: error }) : error;
}
