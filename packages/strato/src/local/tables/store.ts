/**
 * The table store: DynamoDB's item operations over one SQLite file.
 */
import { isDeepStrictEqual } from 'node:util';

import type Database from 'better-sqlite3';

import { TableDatabase, type ItemRow, type SortOperator } from './database.ts';
import { TableError, validationError } from './errors.ts';
import { checkConditionValue, keyObject, keyOfItem, readKey, type StoredKey } from './keys.ts';
import { ITEM_MAX_BYTES, itemSize } from './size.ts';
import type {
  DeleteInput,
  Item,
  ItemChangeListener,
  ItemCondition,
  KeySchema,
  KeyValue,
  Page,
  PutInput,
  QueryInput,
  ScanInput,
  SortKeyCondition,
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
}

/**
 * A query or scan stops after 1 MB of items and returns `LastEvaluatedKey`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
const PAGE_MAX_BYTES = 1024 * 1024;

const SORT_OPERATORS = new Set<SortOperator>(['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith']);

export function createTableStore(options: TableStoreOptions): TableStore {
  const db = new TableDatabase(options.stateDir);
  let schemas = schemasByName(options.tables);
  const listener = options.changeListener?.(db.connection);

  const notify = (schema: KeySchema, key: StoredKey, oldItem: Item | undefined, newItem: Item | undefined) => {
    // A write that changes no data makes no stream record, nor does deleting a missing item.
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
    if (isDeepStrictEqual(oldItem, newItem)) return;
    if (listener?.wants(schema.physicalName)) {
      listener.onChange({ table: schema.physicalName, key: keyObject(schema, key), oldItem, newItem });
    }
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
    return row ? JSON.parse(row.item) as Item : undefined;
  };

  const writeItem = (table: string, key: StoredKey, item: Item, tooLargeMessage: string) => {
    const size = itemSize(item);
    if (size > ITEM_MAX_BYTES) throw validationError(tooLargeMessage);
    db.upsertItem.run(table, key.partition, key.sort, JSON.stringify(item), size);
  };

  return {
    get(table, key) {
      const schema = schemaOf(table);
      return readItem(table, readKey(schema, key));
    },

    put(table, input: PutInput) {
      const schema = schemaOf(table);
      const item = requireItem(input?.item);
      const key = keyOfItem(schema, item);

      return db.transaction(() => {
        const old = input.condition || input.returnOld || listener?.wants(table) ? readItem(table, key) : undefined;
        checkCondition(input.condition, old);
        writeItem(table, key, item, 'Item size has exceeded the maximum allowed size');
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
        writeItem(table, key, updated, 'Item size to update has exceeded the maximum allowed size');
        notify(schema, key, old, updated);
        return updated;
      });
    },

    query(table, input: QueryInput = {} as QueryInput) {
      const schema = schemaOf(table);
      const limit = readLimit(input.limit);
      const partition = checkConditionValue(input.partition, 'string') as string;
      if (partition === '') {
        throw validationError(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${schema.partitionKey}`);
      }
      const { operator, low, high } = readSortCondition(schema, input.sort);
      const descending = input.descending === true;

      let start: KeyValue | undefined;
      if (input.startKey !== undefined) {
        const startKey = readKey(schema, input.startKey, 'The provided starting key is invalid: The provided key element does not match the schema');
        if (startKey.partition !== partition) {
          throw validationError('The provided starting key is outside query boundaries based on provided conditions');
        }
        start = startKey.sort;
      }

      const rows = db.queryStatement(operator, descending, start !== undefined).iterate({ table, pk: partition, low, high, start });
      return readPage(schema, rows, limit);
    },

    scan(table, input: ScanInput = {}) {
      const schema = schemaOf(table);
      const limit = readLimit(input.limit);
      const start = input.startKey === undefined
        ? undefined
        : readKey(schema, input.startKey, 'The provided starting key is invalid: The provided key element does not match the schema');

      const rows = start === undefined ? db.scanFirst.iterate(table) : db.scanAfter.iterate(table, start.partition, start.sort);
      return readPage(schema, rows, limit);
    },

    setTables(tables) {
      schemas = schemasByName(tables);
    },

    close() {
      db.close();
    },
  };
}

function schemasByName(tables: readonly KeySchema[]): Map<string, KeySchema> {
  return new Map(tables.map((table) => [table.physicalName, table]));
}

/**
 * Reads rows into a page. The page ends at the limit or at 1 MB; then it
 * carries the key of its last item, even when no item follows, as DynamoDB
 * does, so the next page may be empty.
 */
function readPage(schema: KeySchema, rows: IterableIterator<ItemRow>, limit: number): Page {
  const items: Item[] = [];
  let bytes = 0;
  for (const row of rows) {
    items.push(JSON.parse(row.item) as Item);
    bytes += row.size;
    if (items.length >= limit || bytes >= PAGE_MAX_BYTES) {
      // Leaving the loop early resets the statement through the iterator's return().
      return { items, lastKey: keyObject(schema, { partition: row.pk, sort: row.sk }) };
    }
  }
  return { items };
}

function checkCondition(condition: ItemCondition | undefined, old: Item | undefined): void {
  if (condition === undefined) return;

  let holds: boolean;
  switch (condition.type) {
    case 'notExists': holds = old === undefined; break;
    case 'exists': holds = old !== undefined; break;
    case 'equals': holds = old !== undefined && isDeepStrictEqual(old[condition.attribute], condition.value); break;
    default:
      throw validationError(`Invalid condition type ${JSON.stringify((condition as { type?: unknown }).type)}. Use "notExists", "exists" or "equals".`);
  }
  if (!holds) throw new TableError('ConditionalCheckFailedException', 'The conditional request failed');
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

/** Limit must be at least 1. @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit */
function readLimit(limit: unknown): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || (limit as number) < 1) {
    throw validationError(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  }
  return limit as number;
}

interface SortBounds {
  readonly operator: SortOperator;
  readonly low?: KeyValue;
  readonly high?: KeyValue;
}

function readSortCondition(schema: KeySchema, condition: SortKeyCondition | undefined): SortBounds {
  if (condition === undefined) return { operator: 'none' };
  if (schema.sortKey === undefined) {
    throw validationError(`Query key condition not supported: table ${schema.physicalName} has no sort key, so a query takes only the partition key`);
  }

  const entries = typeof condition === 'object' && condition !== null ? Object.entries(condition) : [];
  const [operator, value] = entries[0] ?? [];
  if (entries.length !== 1 || !SORT_OPERATORS.has(operator as SortOperator)) {
    throw validationError(`Invalid sort key condition ${describe(condition)}: set exactly one of eq, lt, lte, gt, gte, between or beginsWith`);
  }

  if (operator === 'beginsWith') {
    if (schema.sortKeyType !== 'string') {
      throw validationError('Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
    }
    return { operator, low: checkConditionValue(value, 'string') };
  }

  if (operator === 'between') {
    if (!Array.isArray(value) || value.length !== 2) {
      throw validationError(`Invalid sort key condition: between takes two values [low, high]; received ${describe(value)}`);
    }
    const low = checkConditionValue(value[0], schema.sortKeyType);
    const high = checkConditionValue(value[1], schema.sortKeyType);
    if (compareKeyValues(low, high) > 0) {
      throw validationError(`Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: ${JSON.stringify(low)}, upper bound operand: ${JSON.stringify(high)}`);
    }
    return { operator, low, high };
  }

  return { operator: operator as SortOperator, low: checkConditionValue(value, schema.sortKeyType) };
}

/** Compares two sort values as DynamoDB orders them: numbers by value, strings by UTF-8 bytes. */
function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
