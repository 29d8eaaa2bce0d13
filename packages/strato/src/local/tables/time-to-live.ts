/**
 * Time to Live: a table may name a number attribute that contains an epoch
 * time in seconds. Once that time has passed, the item is expired, and a later
 * sweep deletes it. Until then it still shows in reads, as on AWS, where
 * DynamoDB typically deletes expired items within two days.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
 */
import type Database from 'better-sqlite3';

import { decodeItem } from './codec.ts';
import type { Item, KeySchema } from './types.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ttl_settings (
    table_name TEXT PRIMARY KEY,
    attribute TEXT NOT NULL
  ) WITHOUT ROWID
`;

/** Returns an item's expiry in epoch seconds, or null when its table has no Time to Live or the attribute is not a number. */
export function expiryOf(schema: KeySchema, item: Item): number | null {
  if (schema.ttlAttribute === undefined) return null;
  const value = item[schema.ttlAttribute];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Keeps each item's stored expiry in line with its table's declared Time to Live attribute. */
export class TimeToLiveSettings {
  readonly #db: Database.Database;
  readonly #selectAttribute: Database.Statement<[string], { attribute: string }>;
  readonly #upsertAttribute: Database.Statement<[string, string]>;
  readonly #selectItems: Database.Statement<[string], { pk: string; sk: string | number; item: string }>;
  readonly #setExpiry: Database.Statement<[number | null, string, string, string | number]>;

  constructor(connection: Database.Database) {
    this.#db = connection;
    connection.exec(SCHEMA);
    this.#selectAttribute = connection.prepare('SELECT attribute FROM ttl_settings WHERE table_name = ?');
    this.#upsertAttribute = connection.prepare('INSERT OR REPLACE INTO ttl_settings (table_name, attribute) VALUES (?, ?)');
    this.#selectItems = connection.prepare('SELECT pk, sk, item FROM items WHERE table_name = ?');
    this.#setExpiry = connection.prepare('UPDATE items SET expires_at = ? WHERE table_name = ? AND pk = ? AND sk = ?');
  }

  /** Recomputes the expiry of every item of a table whose Time to Live attribute changed since the last run. */
  sync(tables: readonly KeySchema[]): void {
    const syncAll = this.#db.transaction(() => {
      for (const table of tables) {
        // '' stands for "no Time to Live", so a removed setting also triggers a recompute.
        const declared = table.ttlAttribute ?? '';
        const stored = this.#selectAttribute.get(table.physicalName)?.attribute ?? '';
        if (declared === stored) continue;

        for (const row of this.#selectItems.all(table.physicalName)) {
          this.#setExpiry.run(expiryOf(table, decodeItem(row.item)), table.physicalName, row.pk, row.sk);
        }
        this.#upsertAttribute.run(table.physicalName, declared);
      }
    });
    syncAll();
  }
}
