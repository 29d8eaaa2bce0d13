/**
 * Reads and validates the key of an item against a table's key schema, with
 * the messages DynamoDB gives for each mistake.
 */
import { validationError } from './errors.ts';
import type { Item, Key, KeySchema, KeyValue } from './types.ts';

export type { KeySchema };

/** A key as the store keeps it: the partition value, and the sort value or `''` when the table has no sort key. */
export interface StoredKey {
  readonly partition: string;
  readonly sort: KeyValue;
}

/** Key attribute sizes. @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys */
const PARTITION_KEY_MAX_BYTES = 2048;
const SORT_KEY_MAX_BYTES = 1024;

const KEY_MISMATCH = 'The provided key element does not match the schema';

/** Reads the key of an item that a put writes. */
export function keyOfItem(schema: KeySchema, item: Item): StoredKey {
  const partition = itemKeyValue(schema.partitionKey, 'string', item);
  const sort = schema.sortKey === undefined ? '' : itemKeyValue(schema.sortKey, schema.sortKeyType, item);
  return checkedKey(schema, partition as string, sort as KeyValue);
}

/** Reads a key as get, delete and update take it: exactly the key attributes, of the schema's types. */
export function readKey(schema: KeySchema, key: unknown, mismatchMessage = KEY_MISMATCH): StoredKey {
  if (!isRecord(key)) throw validationError(mismatchMessage);

  const expectedCount = schema.sortKey === undefined ? 1 : 2;
  if (Object.keys(key).length !== expectedCount) throw validationError(mismatchMessage);

  const partition = key[schema.partitionKey];
  if (typeof partition !== 'string') throw validationError(mismatchMessage);

  let sort: KeyValue = '';
  if (schema.sortKey !== undefined) {
    const value = key[schema.sortKey];
    if (typeof value !== schema.sortKeyType) throw validationError(mismatchMessage);
    sort = value as KeyValue;
  }
  return checkedKey(schema, partition, sort);
}

/** Builds the key object of a stored key, as `LastEvaluatedKey` returns it. */
export function keyObject(schema: KeySchema, key: StoredKey): Key {
  const result: Key = { [schema.partitionKey]: key.partition };
  if (schema.sortKey !== undefined) result[schema.sortKey] = key.sort;
  return result;
}

/** Checks a value given as a partition or sort key condition in a query. */
export function checkConditionValue(value: unknown, type: 'string' | 'number'): KeyValue {
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
    throw validationError('One or more parameter values were invalid: Condition parameter type does not match schema type');
  }
  return value as KeyValue;
}

function itemKeyValue(name: string, type: 'string' | 'number', item: Item): unknown {
  const value = item[name];
  if (value === undefined) {
    throw validationError(`One or more parameter values were invalid: Missing the key ${name} in the item`);
  }
  if (typeof value !== type) {
    throw validationError(`One or more parameter values were invalid: Type mismatch for key ${name} expected: ${typeLetter(type)} actual: ${typeLetterOf(value)}`);
  }
  return value;
}

function checkedKey(schema: KeySchema, partition: string, sort: KeyValue): StoredKey {
  // Empty strings are allowed in attributes since 2020, but never in keys.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes
  if (partition === '') throw emptyKeyError(schema.partitionKey);
  if (schema.sortKey !== undefined && sort === '') throw emptyKeyError(schema.sortKey);

  if (Buffer.byteLength(partition) > PARTITION_KEY_MAX_BYTES) {
    throw validationError(`One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${PARTITION_KEY_MAX_BYTES} bytes`);
  }
  if (typeof sort === 'string' && Buffer.byteLength(sort) > SORT_KEY_MAX_BYTES) {
    throw validationError(`One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of ${SORT_KEY_MAX_BYTES} bytes`);
  }
  if (typeof sort === 'number' && !Number.isFinite(sort)) {
    throw validationError(`The parameter cannot be converted to a numeric value: ${sort}`);
  }
  return { partition, sort };
}

function emptyKeyError(name: string) {
  return validationError(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`);
}

function typeLetter(type: 'string' | 'number'): string {
  return type === 'string' ? 'S' : 'N';
}

/** Returns the DynamoDB type descriptor of a document value, such as `S` or `M`. */
export function typeLetterOf(value: unknown): string {
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'L';
  if (value instanceof Uint8Array) return 'B';
  return 'M';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
