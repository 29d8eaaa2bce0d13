/**
 * The table client: items of one linked table, in the document view of
 * DynamoDB (plain JavaScript values).
 */
import { callDriver } from './driver.ts';
import type { Item, ItemCondition, Key, KeyValue, PageOutput, SortKeyCondition } from './protocol.ts';
import { physicalNameOf } from './resource-names.ts';

/** Conditions a write can check against the stored item; at most one applies. */
export interface WriteConditions<T> {
  /** Write only when no item has this key yet, else throw `ConditionalCheckFailedException`. */
  readonly ifNotExists?: boolean;
  /** Write only when an item has this key, else throw `ConditionalCheckFailedException`. */
  readonly ifExists?: boolean;
  /** Write only when the stored item has this one attribute with this value, as for optimistic locking on a version number. */
  readonly ifEquals?: Partial<T>;
}

export interface QueryOptions {
  /** Name of a global secondary index of the table to query in its place. */
  readonly index?: string;
  /** Value of the partition key (of the index, when `index` is set). */
  readonly partition: KeyValue;
  /** Condition on the sort key (of the index, when `index` is set): exactly one of eq, lt, lte, gt, gte, between or beginsWith. */
  readonly sort?: SortKeyCondition;
  /** Maximum number of items to read in this page. */
  readonly limit?: number;
  /** Newest first: descending sort key order. */
  readonly descending?: boolean;
  /** `lastKey` of the previous page. */
  readonly startKey?: Key;
}

export interface ScanOptions {
  readonly limit?: number;
  readonly startKey?: Key;
}

export interface ItemPage<T> {
  readonly items: T[];
  /** Present when more items may follow: pass it as `startKey` for the next page. The last page may be empty. */
  readonly lastKey?: Key;
}

/** @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html */
const BATCH_GET_MAX_KEYS = 100;
/** @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html */
const BATCH_WRITE_MAX_REQUESTS = 25;

export class TableClient<T extends object = Item> {
  /** Physical name of the table. */
  readonly name: string;

  constructor(linkName: string) {
    this.name = physicalNameOf('TABLE', linkName);
  }

  /** Returns the item with this key, or undefined. */
  async get(key: Key): Promise<T | undefined> {
    const output = await this.call('get', { key }) as { item?: T };
    return output.item ?? undefined;
  }

  /** Writes the item, replacing any item with the same key. */
  async put(item: T, conditions: WriteConditions<T> = {}): Promise<void> {
    await this.call('put', { item, condition: conditionOf(conditions) });
  }

  /** Deletes the item with this key and returns it, or undefined when there was none. */
  async delete(key: Key, conditions: Omit<WriteConditions<T>, 'ifNotExists'> = {}): Promise<T | undefined> {
    const output = await this.call('delete', { key, condition: conditionOf(conditions), returnOld: true }) as { old?: T };
    return output.old ?? undefined;
  }

  /**
   * Sets the attributes in `changes` and removes those set to `undefined`,
   * creating the item when it does not exist, and returns the new item.
   */
  async update(key: Key, changes: Partial<T>, conditions: Omit<WriteConditions<T>, 'ifNotExists'> = {}): Promise<T> {
    const output = await this.call('update', { key, changes, condition: conditionOf(conditions) }) as { item: T };
    return output.item;
  }

  /** Reads one page of the items of a partition, in sort key order. */
  async query(options: QueryOptions): Promise<ItemPage<T>> {
    return pageOf<T>(await this.call('query', { ...options }) as PageOutput);
  }

  /**
   * Returns the items with these keys that exist, in no particular order.
   * Any number of keys: they go in calls of 100, as BatchGetItem allows.
   */
  async batchGet(keys: readonly Key[]): Promise<T[]> {
    const items: T[] = [];
    for (const chunk of chunksOf(keys, BATCH_GET_MAX_KEYS)) {
      const output = await this.call('batchGet', { keys: chunk }) as { items: T[] };
      items.push(...output.items);
    }
    return items;
  }

  /**
   * Puts and deletes items without conditions. Any number of requests: they
   * go in calls of 25, as BatchWriteItem allows, so a failure can leave
   * earlier calls written.
   */
  async batchWrite(requests: { readonly put?: readonly T[]; readonly delete?: readonly Key[] }): Promise<void> {
    const all = [
      ...(requests.put ?? []).map((item) => ({ put: item })),
      ...(requests.delete ?? []).map((key) => ({ delete: key })),
    ];
    for (const chunk of chunksOf(all, BATCH_WRITE_MAX_REQUESTS)) {
      const puts = chunk.flatMap((request) => ('put' in request ? [request.put] : []));
      const deletes = chunk.flatMap((request) => ('delete' in request ? [request.delete] : []));
      await this.call('batchWrite', { puts, deletes });
    }
  }

  /** Reads one page of all items of the table. */
  async scan(options: ScanOptions = {}): Promise<ItemPage<T>> {
    return pageOf<T>(await this.call('scan', { ...options }) as PageOutput);
  }

  private call(op: string, input: unknown): Promise<unknown> {
    return callDriver('table', this.name, op, input);
  }
}

function chunksOf<V>(values: readonly V[], size: number): V[][] {
  const chunks: V[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

function pageOf<T>(output: PageOutput): ItemPage<T> {
  return output.lastKey ? { items: output.items as T[], lastKey: output.lastKey } : { items: output.items as T[] };
}

function conditionOf<T>(conditions: WriteConditions<T>): ItemCondition | undefined {
  const set: ItemCondition[] = [];
  if (conditions.ifNotExists) set.push({ type: 'notExists' });
  if (conditions.ifExists) set.push({ type: 'exists' });
  if (conditions.ifEquals !== undefined) {
    const entries = Object.entries(conditions.ifEquals);
    if (entries.length !== 1) {
      throw new TypeError(`ifEquals takes exactly one attribute; received ${JSON.stringify(conditions.ifEquals)}.`);
    }
    const [attribute, value] = entries[0]!;
    set.push({ type: 'equals', attribute, value });
  }

  if (set.length > 1) {
    throw new TypeError('Set at most one of ifNotExists, ifExists and ifEquals.');
  }
  return set[0];
}
