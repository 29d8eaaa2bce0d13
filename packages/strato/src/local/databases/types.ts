/**
 * The shapes of database operations as `strato/client` sends them over the
 * channel, shared by the local engine and both client drivers.
 */

/**
 * A statement parameter. Strings, numbers, booleans and null map to the
 * Postgres types of the same name, a `Uint8Array` to `bytea`, a `Date` to a
 * timestamp, and any other object to JSON.
 */
export type SqlParameter = string | number | boolean | null | Date | Uint8Array | readonly unknown[] | { readonly [key: string]: unknown };

export interface QueryInput {
  /** One SQL statement; parameters are written `$1`, `$2` and so on. */
  readonly sql: string;
  readonly params?: readonly SqlParameter[];
  /** Runs the statement in this open transaction, as `beginTransaction` returned it. */
  readonly transactionId?: string;
}

export interface QueryOutput<T = Record<string, unknown>> {
  readonly rows: T[];
  /** Rows that an INSERT, UPDATE or DELETE changed, else the number of rows returned. */
  readonly rowCount: number;
}

export interface TransactionInput {
  readonly transactionId: string;
}

export interface BeginTransactionOutput {
  readonly transactionId: string;
}
