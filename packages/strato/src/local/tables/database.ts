/**
 * The SQLite file behind the table store and its prepared statements. All
 * tables share one SQL table, keyed by table name, partition value and sort
 * value. SQLite's BINARY collation compares text with memcmp over UTF-8,
 * which is the byte order DynamoDB uses for string sort keys, and it compares
 * numbers by value, which is DynamoDB's order for number sort keys.
 */
import path from 'node:path';

import type Database from 'better-sqlite3';

import { openDurableDatabase } from '../sqlite.ts';
import type { KeyValue } from './types.ts';

export const DATABASE_FILE = 'tables.sqlite';

/** A stored item as a statement returns it. */
export interface ItemRow {
  readonly pk: string;
  readonly sk: KeyValue;
  /** The item as JSON. */
  readonly item: string;
  /** The item's size as DynamoDB counts it. */
  readonly size: number;
}

/** An item whose Time to Live has passed. */
export interface ExpiredRow extends Pick<ItemRow, 'pk' | 'sk' | 'item'> {
  readonly table_name: string;
}

/** Sort key operators of a query; `none` reads the whole partition. */
export type SortOperator = 'none' | 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'beginsWith';

/** Parameters of a query statement. Unused ones are ignored. */
export interface QueryParameters {
  readonly table: string;
  readonly pk: string;
  readonly low?: KeyValue;
  readonly high?: KeyValue;
  readonly start?: KeyValue;
}

// The sort value column has no declared type, so SQLite keeps text as text and
// numbers as numbers. Tables without a sort key store '' there.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS items (
    table_name TEXT NOT NULL,
    pk TEXT NOT NULL,
    sk NOT NULL,
    item TEXT NOT NULL,
    size INTEGER NOT NULL,
    expires_at REAL,
    PRIMARY KEY (table_name, pk, sk)
  ) WITHOUT ROWID
`;

// expires_at is the item's Time to Live in epoch seconds, NULL when it has none.
// Files written before the column existed get it added.
const EXPIRY_COLUMN = 'ALTER TABLE items ADD COLUMN expires_at REAL';
const EXPIRY_INDEX = 'CREATE INDEX IF NOT EXISTS items_by_expiry ON items (expires_at) WHERE expires_at IS NOT NULL';

/** Returns the SQL condition of a sort key operator on a column, with `@low` and `@high` as its operands. */
export function sortCondition(operator: SortOperator, column: string): string {
  switch (operator) {
    case 'none': return '';
    case 'eq': return `AND ${column} = @low`;
    case 'lt': return `AND ${column} < @low`;
    case 'lte': return `AND ${column} <= @low`;
    case 'gt': return `AND ${column} > @low`;
    case 'gte': return `AND ${column} >= @low`;
    case 'between': return `AND ${column} BETWEEN @low AND @high`;
    // The range test lets SQLite seek in the primary key; substr checks the prefix.
    case 'beginsWith': return `AND ${column} >= @low AND substr(${column}, 1, length(@low)) = @low`;
  }
}

export class TableDatabase {
  readonly #db: Database.Database;
  readonly #queries = new Map<string, Database.Statement<[QueryParameters], ItemRow>>();
  readonly #runInTransaction: (work: () => unknown) => unknown;

  readonly selectItem: Database.Statement<[string, string, KeyValue], Pick<ItemRow, 'item'>>;
  readonly upsertItem: Database.Statement<[string, string, KeyValue, string, number, number | null]>;
  readonly deleteItem: Database.Statement<[string, string, KeyValue]>;
  readonly scanFirst: Database.Statement<[string], ItemRow>;
  readonly scanAfter: Database.Statement<[string, string, KeyValue], ItemRow>;
  /** Items whose Time to Live is before a time in epoch seconds, oldest first, at most a number of them. */
  readonly selectExpired: Database.Statement<[number, number], ExpiredRow>;

  constructor(stateDir: string) {
    this.#db = openDurableDatabase(path.join(stateDir, DATABASE_FILE));
    this.#db.exec(SCHEMA);
    const columns = this.#db.prepare('SELECT name FROM pragma_table_info(\'items\')').pluck().all() as string[];
    if (!columns.includes('expires_at')) this.#db.exec(EXPIRY_COLUMN);
    this.#db.exec(EXPIRY_INDEX);

    this.selectItem = this.#db.prepare('SELECT item FROM items WHERE table_name = ? AND pk = ? AND sk = ?');
    this.upsertItem = this.#db.prepare('INSERT OR REPLACE INTO items (table_name, pk, sk, item, size, expires_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.deleteItem = this.#db.prepare('DELETE FROM items WHERE table_name = ? AND pk = ? AND sk = ?');
    this.scanFirst = this.#db.prepare('SELECT pk, sk, item, size FROM items WHERE table_name = ? ORDER BY pk, sk');
    this.scanAfter = this.#db.prepare('SELECT pk, sk, item, size FROM items WHERE table_name = ? AND (pk, sk) > (?, ?) ORDER BY pk, sk');
    this.selectExpired = this.#db.prepare('SELECT table_name, pk, sk, item FROM items WHERE expires_at IS NOT NULL AND expires_at < ? ORDER BY expires_at LIMIT ?');
    this.#runInTransaction = this.#db.transaction((work: () => unknown) => work());
  }

  /** Returns the statement of a query shape, prepared on first use and kept. */
  queryStatement(operator: SortOperator, descending: boolean, hasStart: boolean) {
    const cacheKey = `${operator}:${descending}:${hasStart}`;
    let statement = this.#queries.get(cacheKey);
    if (!statement) {
      let start = '';
      if (hasStart) start = descending ? 'AND sk < @start' : 'AND sk > @start';
      statement = this.#db.prepare(
        `SELECT pk, sk, item, size FROM items WHERE table_name = @table AND pk = @pk ${sortCondition(operator, 'sk')} ${start} ORDER BY sk ${descending ? 'DESC' : 'ASC'}`,
      );
      this.#queries.set(cacheKey, statement);
    }
    return statement;
  }

  /** The SQLite connection, for a change listener whose records must commit or roll back with the write. */
  get connection(): Database.Database {
    return this.#db;
  }

  /** Runs a function in one transaction: the condition check and the write of a conditional write. */
  transaction<T>(work: () => T): T {
    return this.#runInTransaction(work) as T;
  }

  close(): void {
    this.#db.close();
  }
}
