/**
 * Queries and scans: key conditions checked as DynamoDB checks them, and
 * pages that end at the limit or at 1 MB.
 */
import type { KeyType } from '../../model/index.ts';
import { decodeItem } from './codec.ts';
import type { ItemRow, SortOperator, TableDatabase } from './database.ts';
import { validationError } from './errors.ts';
import { checkConditionValue, keyObject, readKey } from './keys.ts';
import { findIndex, type IndexRow, type SecondaryIndexes } from './secondary-indexes.ts';
import type { IndexSchema, Item, Key, KeySchema, KeyValue, Page, QueryInput, ScanInput, SortKeyCondition } from './types.ts';

/**
 * A query or scan stops after 1 MB of items and returns `LastEvaluatedKey`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
const PAGE_MAX_BYTES = 1024 * 1024;

const SORT_OPERATORS = new Set<SortOperator>(['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith']);

const INVALID_START_KEY = 'The provided starting key is invalid: The provided key element does not match the schema';

export interface QueryContext {
  readonly db: TableDatabase;
  readonly indexes: SecondaryIndexes;
}

/** The sort key that a query's sort condition applies to: the table's, or an index's. */
interface SortKeyShape {
  /** `table <name>` or `index <name>`, for messages. */
  readonly description: string;
  readonly sortKey?: string;
  readonly sortKeyType: KeyType;
}

interface SortBounds {
  readonly operator: SortOperator;
  readonly low?: KeyValue;
  readonly high?: KeyValue;
}

export function queryItems(context: QueryContext, schema: KeySchema, input: QueryInput): Page {
  const limit = readLimit(input.limit);
  const partition = checkConditionValue(input.partition, 'string') as string;
  const descending = input.descending === true;

  if (input.index !== undefined) {
    return queryIndex(context, schema, findIndex(schema, input.index), { ...input, partition }, limit);
  }

  if (partition === '') throw emptyKeyError(schema.partitionKey);
  const { operator, low, high } = readSortCondition({ description: `table ${schema.physicalName}`, ...schema }, input.sort);

  let start: KeyValue | undefined;
  if (input.startKey !== undefined) {
    const startKey = readKey(schema, input.startKey, INVALID_START_KEY);
    if (startKey.partition !== partition) {
      throw validationError('The provided starting key is outside query boundaries based on provided conditions');
    }
    start = startKey.sort;
  }

  const rows = context.db.queryStatement(operator, descending, start !== undefined).iterate({ table: schema.physicalName, pk: partition, low, high, start });
  return readPage(rows, limit, (row) => keyObject(schema, { partition: row.pk, sort: row.sk }));
}

export function scanItems(db: TableDatabase, schema: KeySchema, input: ScanInput): Page {
  const limit = readLimit(input.limit);
  const start = input.startKey === undefined ? undefined : readKey(schema, input.startKey, INVALID_START_KEY);

  const rows = start === undefined
    ? db.scanFirst.iterate(schema.physicalName)
    : db.scanAfter.iterate(schema.physicalName, start.partition, start.sort);
  return readPage(rows, limit, (row) => keyObject(schema, { partition: row.pk, sort: row.sk }));
}

/**
 * Queries a global secondary index. Its `LastEvaluatedKey` contains the index
 * keys and the table keys of the last item, as DynamoDB returns it.
 */
function queryIndex(context: QueryContext, schema: KeySchema, index: IndexSchema, input: QueryInput & { partition: string }, limit: number): Page {
  if (input.partition === '') throw emptyKeyError(index.partitionKey);
  const { operator, low, high } = readSortCondition({ description: `index ${index.name}`, ...index }, input.sort);
  const descending = input.descending === true;
  const start = input.startKey === undefined ? undefined : readIndexStartKey(schema, index, input.startKey, input.partition);

  const rows = context.indexes.queryStatement(operator, descending, start !== undefined).iterate({
    table: schema.physicalName,
    index: index.name,
    pk: input.partition,
    low,
    high,
    startIsk: start?.isk,
    startPk: start?.pk,
    startSk: start?.sk,
  });
  return readPage(rows, limit, (row: IndexRow) => {
    const key: Key = keyObject(schema, { partition: row.pk, sort: row.sk });
    key[index.partitionKey] = input.partition;
    if (index.sortKey !== undefined) key[index.sortKey] = row.isk;
    return key;
  });
}

/** Reads the start key of an index query: the table key plus the index key of the last item read. */
function readIndexStartKey(schema: KeySchema, index: IndexSchema, startKey: Key, partition: string) {
  if (typeof startKey !== 'object' || startKey === null) throw validationError(INVALID_START_KEY);

  const tableKeyNames = [schema.partitionKey, schema.sortKey].filter((name): name is string => name !== undefined);
  const tableKey = readKey(schema, Object.fromEntries(tableKeyNames.map((name) => [name, startKey[name]])), INVALID_START_KEY);

  if (startKey[index.partitionKey] !== partition) {
    throw validationError('The provided starting key is outside query boundaries based on provided conditions');
  }
  let isk: KeyValue = '';
  if (index.sortKey !== undefined) {
    const value = startKey[index.sortKey];
    if (typeof value !== index.sortKeyType) throw validationError(INVALID_START_KEY);
    isk = value as KeyValue;
  }
  return { isk, pk: tableKey.partition, sk: tableKey.sort };
}

/**
 * Reads rows into a page. The page ends at the limit or at 1 MB; then it
 * carries the key of its last item, even when no item follows, as DynamoDB
 * does, so the next page may be empty.
 */
function readPage<Row extends ItemRow>(rows: IterableIterator<Row>, limit: number, lastKeyOf: (row: Row) => Key): Page {
  const items: Item[] = [];
  let bytes = 0;
  for (const row of rows) {
    items.push(decodeItem(row.item));
    bytes += row.size;
    if (items.length >= limit || bytes >= PAGE_MAX_BYTES) {
      // Leaving the loop early resets the statement through the iterator's return().
      return { items, lastKey: lastKeyOf(row) };
    }
  }
  return { items };
}

/** Limit must be at least 1. @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit */
function readLimit(limit: unknown): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || (limit as number) < 1) {
    throw validationError(`1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
  }
  return limit as number;
}

function readSortCondition(shape: SortKeyShape, condition: SortKeyCondition | undefined): SortBounds {
  if (condition === undefined) return { operator: 'none' };
  if (shape.sortKey === undefined) {
    throw validationError(`Query key condition not supported: ${shape.description} has no sort key, so a query takes only the partition key`);
  }

  const entries = typeof condition === 'object' && condition !== null ? Object.entries(condition) : [];
  const [operator, value] = entries[0] ?? [];
  if (entries.length !== 1 || !SORT_OPERATORS.has(operator as SortOperator)) {
    throw validationError(`Invalid sort key condition ${describe(condition)}: set exactly one of eq, lt, lte, gt, gte, between or beginsWith`);
  }

  if (operator === 'beginsWith') {
    if (shape.sortKeyType !== 'string') {
      throw validationError('Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
    }
    return { operator, low: checkConditionValue(value, 'string') };
  }

  if (operator === 'between') {
    if (!Array.isArray(value) || value.length !== 2) {
      throw validationError(`Invalid sort key condition: between takes two values [low, high]; received ${describe(value)}`);
    }
    const low = checkConditionValue(value[0], shape.sortKeyType);
    const high = checkConditionValue(value[1], shape.sortKeyType);
    if (compareKeyValues(low, high) > 0) {
      throw validationError(`Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: ${JSON.stringify(low)}, upper bound operand: ${JSON.stringify(high)}`);
    }
    return { operator, low, high };
  }

  return { operator: operator as SortOperator, low: checkConditionValue(value, shape.sortKeyType) };
}

/** Compares two sort values as DynamoDB orders them: numbers by value, strings by UTF-8 bytes. */
function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function emptyKeyError(name: string) {
  return validationError(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`);
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
