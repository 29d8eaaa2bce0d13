/**
 * The operations of a table store, in the document view that DynamoDB's
 * document client gives: items and keys are plain JavaScript values.
 */
import type { TableModel } from '../../model/index.ts';

/** An item: strings, numbers, booleans, nulls, binary values (`Uint8Array`), sets, lists and maps. */
export type Item = Record<string, unknown>;

/** The key attributes of an item: its partition key and, on tables that have one, its sort key. */
export type Key = Record<string, string | number>;

/** A value a key attribute can take. */
export type KeyValue = string | number;

/**
 * A condition a write checks against the stored item, in one transaction with the write.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export type ItemCondition =
  /** `attribute_not_exists(<partition key>)`: no item has this key yet. */
  | { readonly type: 'notExists' }
  /** `attribute_exists(<partition key>)`: an item has this key. */
  | { readonly type: 'exists' }
  /** `<attribute> = :value`: the stored item has the attribute with this value. */
  | { readonly type: 'equals'; readonly attribute: string; readonly value: unknown };

/**
 * A condition on the sort key of a query, as a key condition expression takes it.
 * Exactly one member is set.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html
 */
export type SortKeyCondition =
  | { readonly eq: KeyValue }
  | { readonly lt: KeyValue }
  | { readonly lte: KeyValue }
  | { readonly gt: KeyValue }
  | { readonly gte: KeyValue }
  | { readonly between: readonly [KeyValue, KeyValue] }
  | { readonly beginsWith: string };

export interface PutInput {
  readonly item: Item;
  readonly condition?: ItemCondition;
  /** Return the item that the put replaced, as `ReturnValues: ALL_OLD`. */
  readonly returnOld?: boolean;
}

export interface DeleteInput {
  readonly key: Key;
  readonly condition?: ItemCondition;
  /** Return the deleted item, as `ReturnValues: ALL_OLD`. */
  readonly returnOld?: boolean;
}

export interface UpdateInput {
  readonly key: Key;
  /** Attributes to set. An attribute set to `undefined` is removed, as `REMOVE` in an update expression. */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly condition?: ItemCondition;
}

export interface QueryInput {
  /** Name of a global secondary index to query in place of the table, as `IndexName`. */
  readonly index?: string;
  /** Value of the partition key (of the index, when `index` is set). */
  readonly partition: KeyValue;
  readonly sort?: SortKeyCondition;
  /** Maximum number of items to read, as `Limit`. */
  readonly limit?: number;
  /** Read in descending sort key order, as `ScanIndexForward: false`. */
  readonly descending?: boolean;
  /** The `lastKey` of the previous page, as `ExclusiveStartKey`. */
  readonly startKey?: Key;
}

export interface ScanInput {
  readonly limit?: number;
  readonly startKey?: Key;
}

export interface BatchWriteInput {
  readonly puts?: readonly Item[];
  readonly deletes?: readonly Key[];
}

/** One page of a query or scan. */
export interface Page {
  readonly items: Item[];
  /** Key of the last item read when more may follow, as `LastEvaluatedKey`; pass it as `startKey` for the next page. */
  readonly lastKey?: Key;
}

/** One change of an item: no `oldItem` for an insert, no `newItem` for a delete. */
export interface ItemChange {
  /** Physical name of the table. */
  readonly table: string;
  readonly key: Key;
  readonly oldItem?: Item;
  readonly newItem?: Item;
  /** True for a deletion by Time to Live, whose stream record names the DynamoDB service as `userIdentity`. */
  readonly byTimeToLive?: boolean;
}

/** Receives every write of the tables it wants, inside the write's transaction, as table change streams need. */
export interface ItemChangeListener {
  /** Returns whether changes of the table are wanted; the store reads the old item only for those. */
  wants(table: string): boolean;
  /** Called after the write, before the commit. Throwing rolls the write back and fails it with that error. */
  onChange(change: ItemChange): void;
}

/** The part of a table model that the store needs: its name, key schema, global secondary indexes and Time to Live attribute. */
export type KeySchema = Pick<TableModel, 'physicalName' | 'partitionKey' | 'sortKey' | 'sortKeyType'> & Partial<Pick<TableModel, 'indexes' | 'ttlAttribute'>>;

/** A global secondary index, as `TableModel.indexes` lists them. */
export type IndexSchema = TableModel['indexes'][number];

/** Key-value tables with DynamoDB's semantics. Each method names the table by its physical name. */
export interface TableStore {
  get(table: string, key: Key): Item | undefined;
  /** Writes the item, replacing any item with the same key. Returns the replaced item when `returnOld` is set. */
  put(table: string, input: PutInput): Item | undefined;
  /** Deletes the item with this key, if any. Returns the deleted item when `returnOld` is set. */
  delete(table: string, input: DeleteInput): Item | undefined;
  /** Changes attributes of the item with this key, creating it when it does not exist, and returns the new item. */
  update(table: string, input: UpdateInput): Item;
  query(table: string, input: QueryInput): Page;
  scan(table: string, input?: ScanInput): Page;
  /** Returns the items with these keys that exist, in no particular order, as BatchGetItem. At most 100 keys. */
  batchGet(table: string, keys: readonly Key[]): Item[];
  /** Puts and deletes items in one call, as BatchWriteItem, without conditions. At most 25 requests. */
  batchWrite(table: string, input: BatchWriteInput): void;
  /**
   * Deletes items whose Time to Live is before `now` (milliseconds since the
   * epoch), reporting each deletion to the change listener. Returns how many it deleted.
   */
  deleteExpiredItems(now?: number): number;
  /** Replaces the set of tables, as after the config changed. Items of removed tables stay in the file. */
  setTables(tables: readonly KeySchema[]): void;
  close(): void;
}
