/**
 * Global secondary indexes: for every item that has an index's key
 * attributes, one entry with the index keys and the item's table key, kept
 * in the same SQLite file and written in the item's transaction. Items
 * without the index key attributes are left out, as DynamoDB's indexes are
 * sparse.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
 */
import type Database from 'better-sqlite3';

import { decodeItem } from './codec.ts';
import { sortCondition, type ItemRow, type SortOperator } from './database.ts';
import { validationError } from './errors.ts';
import { typeLetterOf, type StoredKey } from './keys.ts';
import type { IndexSchema, Item, KeySchema, KeyValue } from './types.ts';

/** An item's entry in one index. */
export interface IndexEntry {
  readonly index: string;
  readonly partition: string;
  /** The index sort value, or `''` when the index has no sort key. */
  readonly sort: KeyValue;
}

/** An item found through an index, with its index sort value. */
export interface IndexRow extends ItemRow {
  readonly isk: KeyValue;
}

export interface IndexQueryParameters {
  readonly table: string;
  readonly index: string;
  readonly pk: string;
  readonly low?: KeyValue;
  readonly high?: KeyValue;
  /** Index sort value, table partition value and table sort value of the exclusive start key. */
  readonly startIsk?: KeyValue;
  readonly startPk?: string;
  readonly startSk?: KeyValue;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS index_entries (
    table_name TEXT NOT NULL,
    index_name TEXT NOT NULL,
    ipk TEXT NOT NULL,
    isk NOT NULL,
    pk TEXT NOT NULL,
    sk NOT NULL,
    PRIMARY KEY (table_name, index_name, ipk, isk, pk, sk)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS index_entries_by_item ON index_entries (table_name, pk, sk);
  CREATE TABLE IF NOT EXISTS index_definitions (
    table_name TEXT NOT NULL,
    index_name TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (table_name, index_name)
  ) WITHOUT ROWID;
`;

/** Key attribute sizes, the same for index keys as for table keys. */
const PARTITION_KEY_MAX_BYTES = 2048;
const SORT_KEY_MAX_BYTES = 1024;

export class SecondaryIndexes {
  readonly #db: Database.Database;
  readonly #queries = new Map<string, Database.Statement<[IndexQueryParameters], IndexRow>>();
  readonly #insertEntry: Database.Statement<[string, string, string, KeyValue, string, KeyValue]>;
  readonly #deleteItemEntries: Database.Statement<[string, string, KeyValue]>;
  readonly #deleteIndexEntries: Database.Statement<[string, string]>;
  readonly #selectDefinitions: Database.Statement<[string], { index_name: string; definition: string }>;
  readonly #upsertDefinition: Database.Statement<[string, string, string]>;
  readonly #deleteDefinition: Database.Statement<[string, string]>;
  readonly #selectItems: Database.Statement<[string], Pick<ItemRow, 'pk' | 'sk' | 'item'>>;

  constructor(connection: Database.Database) {
    this.#db = connection;
    this.#db.exec(SCHEMA);
    this.#insertEntry = connection.prepare('INSERT OR REPLACE INTO index_entries (table_name, index_name, ipk, isk, pk, sk) VALUES (?, ?, ?, ?, ?, ?)');
    this.#deleteItemEntries = connection.prepare('DELETE FROM index_entries WHERE table_name = ? AND pk = ? AND sk = ?');
    this.#deleteIndexEntries = connection.prepare('DELETE FROM index_entries WHERE table_name = ? AND index_name = ?');
    this.#selectDefinitions = connection.prepare('SELECT index_name, definition FROM index_definitions WHERE table_name = ?');
    this.#upsertDefinition = connection.prepare('INSERT OR REPLACE INTO index_definitions (table_name, index_name, definition) VALUES (?, ?, ?)');
    this.#deleteDefinition = connection.prepare('DELETE FROM index_definitions WHERE table_name = ? AND index_name = ?');
    this.#selectItems = connection.prepare('SELECT pk, sk, item FROM items WHERE table_name = ?');
  }

  /**
   * Brings the stored entries in line with the declared indexes: builds an
   * index that is new or whose keys changed from the items already stored,
   * and drops the entries of indexes no longer declared.
   */
  sync(tables: readonly KeySchema[]): void {
    const syncAll = this.#db.transaction(() => {
      for (const table of tables) this.#syncTable(table);
    });
    syncAll();
  }

  /** Replaces an item's entries; `entries` comes from `entriesOf`. Run it inside the write's transaction. */
  replaceEntries(table: string, key: StoredKey, entries: readonly IndexEntry[]): void {
    this.#deleteItemEntries.run(table, key.partition, key.sort);
    for (const entry of entries) {
      this.#insertEntry.run(table, entry.index, entry.partition, entry.sort, key.partition, key.sort);
    }
  }

  /** Returns the statement of an index query shape, prepared on first use and kept. */
  queryStatement(operator: SortOperator, descending: boolean, hasStart: boolean) {
    const cacheKey = `${operator}:${descending}:${hasStart}`;
    let statement = this.#queries.get(cacheKey);
    if (!statement) {
      const direction = descending ? 'DESC' : 'ASC';
      let start = '';
      if (hasStart) start = `AND (e.isk, e.pk, e.sk) ${descending ? '<' : '>'} (@startIsk, @startPk, @startSk)`;
      // Items with equal index keys come in table key order; DynamoDB leaves that order unspecified.
      statement = this.#db.prepare(
        `SELECT i.pk AS pk, i.sk AS sk, i.item AS item, i.size AS size, e.isk AS isk
         FROM index_entries e JOIN items i ON i.table_name = e.table_name AND i.pk = e.pk AND i.sk = e.sk
         WHERE e.table_name = @table AND e.index_name = @index AND e.ipk = @pk ${sortCondition(operator, 'e.isk')} ${start}
         ORDER BY e.isk ${direction}, e.pk ${direction}, e.sk ${direction}`,
      );
      this.#queries.set(cacheKey, statement);
    }
    return statement;
  }

  #syncTable(table: KeySchema): void {
    const declared = new Map((table.indexes ?? []).map((index) => [index.name, JSON.stringify(index)]));
    const stored = new Map(this.#selectDefinitions.all(table.physicalName).map((row) => [row.index_name, row.definition]));

    for (const name of stored.keys()) {
      if (declared.has(name)) continue;
      this.#deleteIndexEntries.run(table.physicalName, name);
      this.#deleteDefinition.run(table.physicalName, name);
    }

    const changed = (table.indexes ?? []).filter((index) => stored.get(index.name) !== declared.get(index.name));
    if (changed.length === 0) return;

    for (const index of changed) this.#deleteIndexEntries.run(table.physicalName, index.name);
    for (const row of this.#selectItems.all(table.physicalName)) {
      const item = decodeItem(row.item);
      // Items written before the index existed may not fit its key types; they stay out of it.
      const entries = changed.flatMap((index) => {
        const entry = entryOf(index, item);
        return entry && fitsIndex(index, entry) ? [entry] : [];
      });
      for (const entry of entries) {
        this.#insertEntry.run(table.physicalName, entry.index, entry.partition, entry.sort, row.pk, row.sk);
      }
    }
    for (const index of changed) this.#upsertDefinition.run(table.physicalName, index.name, declared.get(index.name)!);
  }
}

/**
 * Returns an item's entries in the table's indexes. Rejects an index key of
 * the wrong type or an empty string, with DynamoDB's messages.
 */
export function entriesOf(schema: KeySchema, item: Item): IndexEntry[] {
  const entries: IndexEntry[] = [];
  for (const index of schema.indexes ?? []) {
    checkIndexKeyValue(index, index.partitionKey, 'string', item[index.partitionKey]);
    if (index.sortKey !== undefined) checkIndexKeyValue(index, index.sortKey, index.sortKeyType, item[index.sortKey]);

    const entry = entryOf(index, item);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Returns the index named in a query, or rejects an unknown name as DynamoDB does. */
export function findIndex(schema: KeySchema, name: string): IndexSchema {
  const index = schema.indexes?.find((candidate) => candidate.name === name);
  if (!index) {
    const known = (schema.indexes ?? []).map((candidate) => candidate.name).join(', ') || 'none';
    throw validationError(`The table does not have the specified index: ${name}. Indexes of table ${schema.physicalName}: ${known}.`);
  }
  return index;
}

function entryOf(index: IndexSchema, item: Item): IndexEntry | undefined {
  const partition = item[index.partitionKey];
  if (partition === undefined) return undefined;
  if (index.sortKey === undefined) return { index: index.name, partition: partition as string, sort: '' };

  const sort = item[index.sortKey];
  if (sort === undefined) return undefined;
  return { index: index.name, partition: partition as string, sort: sort as KeyValue };
}

function fitsIndex(index: IndexSchema, entry: IndexEntry): boolean {
  if (typeof entry.partition !== 'string' || entry.partition === '') return false;
  if (index.sortKey === undefined) return true;
  return typeof entry.sort === index.sortKeyType && entry.sort !== '';
}

function checkIndexKeyValue(index: IndexSchema, attribute: string, type: 'string' | 'number', value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== type) {
    const expected = type === 'string' ? 'S' : 'N';
    throw validationError(`One or more parameter values were invalid: Type mismatch for Index Key ${attribute} Expected: ${expected} Actual: ${typeLetterOf(value)} IndexName: ${index.name}`);
  }
  if (value === '') {
    throw validationError(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: ${index.name}, IndexKey: ${attribute}`);
  }
  const maxBytes = attribute === index.partitionKey ? PARTITION_KEY_MAX_BYTES : SORT_KEY_MAX_BYTES;
  if (typeof value === 'string' && Buffer.byteLength(value) > maxBytes) {
    throw validationError(`One or more parameter values were invalid: Size of the index key ${attribute} has exceeded the maximum size limit of ${maxBytes} bytes. IndexName: ${index.name}`);
  }
}
