/**
 * The table store: DynamoDB's item operations over one SQLite file.
 */
import { isDeepStrictEqual } from 'node:util';

import type Database from 'better-sqlite3';

import { silentLogger, type Logger } from '../../observe/logger.ts';
import { decodeItem, encodeItem } from './codec.ts';
import { TableDatabase } from './database.ts';
import { TableError, validationError } from './errors.ts';
import { keyObject, keyOfItem, readKey, type StoredKey } from './keys.ts';
import { queryItems, scanItems } from './query.ts';
import { entriesOf, SecondaryIndexes } from './secondary-indexes.ts';
import { ITEM_MAX_BYTES, itemSize } from './size.ts';
import { expiryOf, TimeToLiveSettings } from './time-to-live.ts';
import type {
  BatchWriteInput,
  DeleteInput,
  Item,
  ItemChangeListener,
  ItemCondition,
  Key,
  KeySchema,
  PutInput,
  QueryInput,
  ScanInput,
  TableStore,
  UpdateInput,
} from './types.ts';

export interface TableStoreOptions {
  /** Folder of the local cloud's state; the store keeps its items in `tables.sqlite` there. */
  readonly stateDir: string;
  /** The tables of the application; `TableModel`s fit. */
  readonly tables: readonly KeySchema[];
  /**
   * Creates the listener of item changes, given the store's SQLite connection,
   * so that change records commit or roll back with the write.
   */
  readonly changeListener?: (connection: Database.Database) => ItemChangeListener;
  /**
   * Milliseconds between sweeps that delete items whose Time to Live has passed; 0 turns sweeping off.
   * @default 30000
   */
  readonly timeToLiveSweepMs?: number;
  /** Receives the errors of Time to Live sweeps, which run on a timer with no caller to throw to. */
  readonly logger?: Logger;
}

/** @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html */
const BATCH_GET_MAX_KEYS = 100;
/** @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html */
const BATCH_WRITE_MAX_REQUESTS = 25;

/** Expired items deleted per transaction, so a large sweep does not hold the write lock for long. */
const EXPIRED_BATCH_SIZE = 500;

export function createTableStore(options: TableStoreOptions): TableStore {
  const db = new TableDatabase(options.stateDir);
  const indexes = new SecondaryIndexes(db.connection);
  indexes.sync(options.tables);
  const timeToLive = new TimeToLiveSettings(db.connection);
  timeToLive.sync(options.tables);
  let schemas = schemasByName(options.tables);
  const listener = options.changeListener?.(db.connection);

  const notify = (schema: KeySchema, key: StoredKey, oldItem: Item | undefined, newItem: Item | undefined, byTimeToLive = false) => {
    if (!listener?.wants(schema.physicalName)) return;
    // A write that changes no data makes no stream record, nor does deleting a missing item.
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
    if (isDeepStrictEqual(oldItem, newItem)) return;

    const change = { table: schema.physicalName, key: keyObject(schema, key), oldItem, newItem };
    listener.onChange(byTimeToLive ? { ...change, byTimeToLive } : change);
  };

  const schemaOf = (table: string): KeySchema => {
    const schema = schemas.get(table);
    if (!schema) {
      throw new TableError('ResourceNotFoundException', `Requested resource not found: Table: ${table} not found`);
    }
    return schema;
  };

  const readItem = (table: string, key: StoredKey): Item | undefined => {
    const row = db.selectItem.get(table, key.partition, key.sort);
    return row ? decodeItem(row.item) : undefined;
  };

  const writeItem = (schema: KeySchema, key: StoredKey, item: Item, tooLargeMessage: string) => {
    const size = itemSize(item);
    if (size > ITEM_MAX_BYTES) throw validationError(tooLargeMessage);
    db.upsertItem.run(schema.physicalName, key.partition, key.sort, encodeItem(item), size, expiryOf(schema, item));
  };

  /** Deletes one batch of expired items in one transaction and returns how many it deleted. */
  const deleteExpiredBatch = (nowSeconds: number): number => db.transaction(() => {
    const rows = db.selectExpired.all(nowSeconds, EXPIRED_BATCH_SIZE);
    for (const row of rows) {
      const key = { partition: row.pk, sort: row.sk };
      db.deleteItem.run(row.table_name, row.pk, row.sk);
      indexes.replaceEntries(row.table_name, key, []);
      // Items of a table no longer in the model are deleted without a change record.
      const schema = schemas.get(row.table_name);
      if (schema) notify(schema, key, decodeItem(row.item), undefined, true);
    }
    return rows.length;
  });

  const sweepMs = options.timeToLiveSweepMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const sweep = () => {
    try {
      store.deleteExpiredItems();
    } catch (error) {
      // The batch rolled back, so the next sweep tries the same items again.
      logger.error('Deleting expired table items failed, retrying in %d ms: %s', sweepMs, (error as Error).message);
    }
  };
  const sweepTimer = sweepMs > 0 ? setInterval(sweep, sweepMs) : undefined;
  // The sweep must not keep a process alive that has nothing else to do.
  sweepTimer?.unref();

  const store: TableStore = {
    get(table, key) {
      const schema = schemaOf(table);
      return readItem(table, readKey(schema, key));
    },

    put(table, input: PutInput) {
      const schema = schemaOf(table);
      const item = requireItem(input?.item);
      const key = keyOfItem(schema, item);
      const entries = entriesOf(schema, item);

      return db.transaction(() => {
        const old = input.condition || input.returnOld || listener?.wants(table) ? readItem(table, key) : undefined;
        checkCondition(input.condition, old);
        writeItem(schema, key, item, 'Item size has exceeded the maximum allowed size');
        if (schema.indexes?.length) indexes.replaceEntries(table, key, entries);
        notify(schema, key, old, item);
        return input.returnOld ? old : undefined;
      });
    },

    delete(table, input: DeleteInput) {
      const schema = schemaOf(table);
      const key = readKey(schema, input?.key);

      return db.transaction(() => {
        const old = input.condition || input.returnOld || listener?.wants(table) ? readItem(table, key) : undefined;
        checkCondition(input.condition, old);
        db.deleteItem.run(table, key.partition, key.sort);
        if (schema.indexes?.length) indexes.replaceEntries(table, key, []);
        notify(schema, key, old, undefined);
        return input.returnOld ? old : undefined;
      });
    },

    update(table, input: UpdateInput) {
      const schema = schemaOf(table);
      const key = readKey(schema, input?.key);
      const changes = requireChanges(schema, input.changes);

      return db.transaction(() => {
        const old = readItem(table, key);
        checkCondition(input.condition, old);
        const updated = applyChanges({ ...old, ...keyObject(schema, key) }, changes);
        writeItem(schema, key, updated, 'Item size to update has exceeded the maximum allowed size');
        if (schema.indexes?.length) indexes.replaceEntries(table, key, entriesOf(schema, updated));
        notify(schema, key, old, updated);
        return updated;
      });
    },

    query(table, input: QueryInput = {} as QueryInput) {
      return queryItems({ db, indexes }, schemaOf(table), input);
    },

    scan(table, input: ScanInput = {}) {
      return scanItems(db, schemaOf(table), input);
    },

    batchGet(table, keys) {
      const schema = schemaOf(table);
      const storedKeys = readBatchKeys(schema, keys, BATCH_GET_MAX_KEYS, 'BatchGetItem');
      return storedKeys.flatMap((key): Item[] => {
        const item = readItem(table, key);
        return item ? [item] : [];
      });
    },

    batchWrite(table, input: BatchWriteInput) {
      const schema = schemaOf(table);
      const puts = input?.puts ?? [];
      const deletes = input?.deletes ?? [];
      // Every request is checked first, so an invalid one leaves the table unchanged.
      const putKeys = puts.map((item) => keyOfItem(schema, requireItem(item)));
      const deleteKeys = deletes.map((key) => readKey(schema, key));
      checkBatchSize([...putKeys, ...deleteKeys], BATCH_WRITE_MAX_REQUESTS, 'BatchWriteItem');

      db.transaction(() => {
        for (const item of puts) store.put(table, { item });
        for (const key of deletes) store.delete(table, { key });
      });
    },

    deleteExpiredItems(now = Date.now()) {
      let deleted = 0;
      for (;;) {
        const count = deleteExpiredBatch(now / 1000);
        deleted += count;
        if (count < EXPIRED_BATCH_SIZE) return deleted;
      }
    },

    setTables(tables) {
      indexes.sync(tables);
      timeToLive.sync(tables);
      schemas = schemasByName(tables);
    },

    close() {
      clearInterval(sweepTimer);
      db.close();
    },
  };
  return store;
}

function readBatchKeys(schema: KeySchema, keys: readonly Key[], max: number, operation: string): StoredKey[] {
  if (!Array.isArray(keys)) {
    throw validationError(`One or more parameter values were invalid: ${operation} takes a list of keys; received ${describe(keys)}`);
  }
  const storedKeys = keys.map((key) => readKey(schema, key));
  checkBatchSize(storedKeys, max, operation);
  return storedKeys;
}

/** Rejects a batch over the operation's limit, or one that names an item twice, as DynamoDB does. */
function checkBatchSize(keys: readonly StoredKey[], max: number, operation: string): void {
  if (keys.length > max) {
    throw validationError(`Too many items requested for the ${operation} call: ${keys.length}, at most ${max}. Split the batch.`);
  }
  const distinct = new Set(keys.map((key) => JSON.stringify([key.partition, key.sort])));
  if (distinct.size !== keys.length) {
    throw validationError('Provided list of item keys contains duplicates');
  }
}

function schemasByName(tables: readonly KeySchema[]): Map<string, KeySchema> {
  return new Map(tables.map((table) => [table.physicalName, table]));
}

function checkCondition(condition: ItemCondition | undefined, old: Item | undefined): void {
  if (condition === undefined) return;

  let conditionMet: boolean;
  switch (condition.type) {
    case 'notExists': conditionMet = old === undefined; break;
    case 'exists': conditionMet = old !== undefined; break;
    case 'equals': conditionMet = old !== undefined && isDeepStrictEqual(old[condition.attribute], condition.value); break;
    default:
      throw validationError(`Invalid condition type ${JSON.stringify((condition as { type?: unknown }).type)}. Use "notExists", "exists" or "equals".`);
  }
  if (!conditionMet) throw new TableError('ConditionalCheckFailedException', 'The conditional request failed');
}

function applyChanges(item: Item, changes: Readonly<Record<string, unknown>>): Item {
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete item[name];
    else item[name] = value;
  }
  return item;
}

function requireItem(item: unknown): Item {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw validationError(`One or more parameter values were invalid: the item must be an object of attributes; received ${describe(item)}`);
  }
  return item as Item;
}

function requireChanges(schema: KeySchema, changes: unknown): Readonly<Record<string, unknown>> {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw validationError(`One or more parameter values were invalid: the changes must be an object of attributes to set; received ${describe(changes)}`);
  }
  // Key attributes identify the item, so an update cannot change them.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
  for (const name of [schema.partitionKey, schema.sortKey]) {
    if (name !== undefined && name in changes) {
      throw validationError(`One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`);
    }
  }
  return changes as Readonly<Record<string, unknown>>;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
