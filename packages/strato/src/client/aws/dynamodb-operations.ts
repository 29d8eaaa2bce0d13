/**
 * Table operations on DynamoDB through the document client, returning the
 * shapes of the local router. The clients send key values without key
 * names, so the driver learns each table's key schema with one
 * DescribeTable call, kept for the life of the execution environment.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import type { Item, ItemCondition, Key, PageOutput, QueryRequest } from '../protocol.ts';
import type { OperationTable } from './driver.ts';
import type { AwsSdk } from './sdk.ts';
import { conditionExpression, keyConditionExpression, mergePlaceholders, updateExpression, type KeyNames } from './expressions.ts';

interface PutRequest { readonly item: Item; readonly condition?: ItemCondition; readonly returnOld?: boolean }
interface DeleteRequest { readonly key: Key; readonly condition?: ItemCondition; readonly returnOld?: boolean }
interface UpdateRequest { readonly key: Key; readonly changes: Readonly<Record<string, unknown>>; readonly condition?: ItemCondition }
interface ScanRequest { readonly limit?: number; readonly startKey?: Key }

export function createTableOperations(sdk: AwsSdk, documents: DynamoDBDocumentClient): OperationTable {
  const { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } = sdk.documents;
  const keySchemas = new Map<string, Promise<TableKeyNames>>();

  // NOTE: this needs dynamodb:DescribeTable on the table, on top of the item actions.
  const keyNamesOf = (table: string): Promise<TableKeyNames> => {
    let names = keySchemas.get(table);
    if (!names) {
      names = describeKeys(sdk, documents, table);
      // A failed lookup is not kept, so the next call tries again.
      names.catch(() => keySchemas.delete(table));
      keySchemas.set(table, names);
    }
    return names;
  };

  const conditionFor = async (table: string, condition: ItemCondition | undefined) =>
    condition === undefined ? undefined : conditionExpression(condition, await keyNamesOf(table));

  return {
    async get(table: string, input: { key: Key }) {
      const output = await documents.send(new GetCommand({ TableName: table, Key: input.key }));
      return { item: output.Item };
    },

    async put(table: string, input: PutRequest) {
      const condition = await conditionFor(table, input.condition);
      const placeholders = mergePlaceholders(condition);
      const output = await documents.send(new PutCommand({
        TableName: table,
        Item: input.item,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: placeholders.names,
        ExpressionAttributeValues: placeholders.values,
        ReturnValues: input.returnOld ? 'ALL_OLD' : 'NONE',
      }));
      return { old: output.Attributes };
    },

    async delete(table: string, input: DeleteRequest) {
      const condition = await conditionFor(table, input.condition);
      const placeholders = mergePlaceholders(condition);
      const output = await documents.send(new DeleteCommand({
        TableName: table,
        Key: input.key,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: placeholders.names,
        ExpressionAttributeValues: placeholders.values,
        ReturnValues: input.returnOld ? 'ALL_OLD' : 'NONE',
      }));
      return { old: output.Attributes };
    },

    async update(table: string, input: UpdateRequest) {
      const condition = await conditionFor(table, input.condition);
      const update = updateExpression(input.changes ?? {});
      const placeholders = mergePlaceholders(condition, update);
      const output = await documents.send(new UpdateCommand({
        TableName: table,
        Key: input.key,
        UpdateExpression: update?.expression,
        ConditionExpression: condition?.expression,
        ExpressionAttributeNames: placeholders.names,
        ExpressionAttributeValues: placeholders.values,
        ReturnValues: 'ALL_NEW',
      }));
      return { item: output.Attributes };
    },

    async query(table: string, input: QueryRequest): Promise<PageOutput> {
      const tableKeys = await keyNamesOf(table);
      const keys = input.index === undefined ? tableKeys : indexKeysOf(tableKeys, table, input.index);
      const keyCondition = keyConditionExpression(keys, input.partition, input.sort);
      const output = await documents.send(new QueryCommand({
        TableName: table,
        IndexName: input.index,
        KeyConditionExpression: keyCondition.expression,
        ExpressionAttributeNames: keyCondition.names,
        ExpressionAttributeValues: keyCondition.values,
        Limit: input.limit,
        ScanIndexForward: input.descending !== true,
        ExclusiveStartKey: input.startKey,
      }));
      return pageOf(output.Items, output.LastEvaluatedKey);
    },

    async batchGet(table: string, input: { keys: Key[] }) {
      const items: Item[] = [];
      let pending: Key[] = input.keys;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backOff(table, 'BatchGetItem', attempt);
        const output = await documents.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
        items.push(...(output.Responses?.[table] ?? []));
        pending = (output.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
      }
      return { items };
    },

    async batchWrite(table: string, input: { puts?: Item[]; deletes?: Key[] }) {
      type WriteRequest = { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Key } };
      let pending: WriteRequest[] = [
        ...(input.puts ?? []).map((item) => ({ PutRequest: { Item: item } })),
        ...(input.deletes ?? []).map((key) => ({ DeleteRequest: { Key: key } })),
      ];
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backOff(table, 'BatchWriteItem', attempt);
        const output = await documents.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (output.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      }
      return {};
    },

    async scan(table: string, input: ScanRequest): Promise<PageOutput> {
      const output = await documents.send(new ScanCommand({ TableName: table, Limit: input.limit, ExclusiveStartKey: input.startKey }));
      return pageOf(output.Items, output.LastEvaluatedKey);
    },
  };
}

/** A table's key names and those of its global secondary indexes. */
interface TableKeyNames extends KeyNames {
  readonly indexes: ReadonlyMap<string, KeyNames>;
}

/** Attempts at a batch's unprocessed part before the call fails. */
const BATCH_MAX_ATTEMPTS = 8;

/**
 * Waits before a batch's unprocessed part is sent again, with exponential
 * backoff and jitter as AWS recommends, and gives up after a few attempts.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
 */
async function backOff(table: string, operation: string, attempt: number): Promise<void> {
  if (attempt >= BATCH_MAX_ATTEMPTS) {
    const error = new Error(`${operation} on table ${table} still had unprocessed requests after ${BATCH_MAX_ATTEMPTS} attempts. Retry later, or raise the table's capacity.`);
    error.name = 'ProvisionedThroughputExceededException';
    throw error;
  }
  const delayMs = Math.random() * 50 * 2 ** attempt;
  await new Promise((resolve) => setTimeout(resolve, delayMs));
}

async function describeKeys(sdk: AwsSdk, documents: DynamoDBDocumentClient, table: string): Promise<TableKeyNames> {
  const output = await documents.send(new sdk.dynamodb.DescribeTableCommand({ TableName: table }));
  const keys = keyNamesOfSchema(output.Table?.KeySchema ?? []);
  if (keys.partitionKey === '') {
    throw new Error(`DescribeTable returned no partition key for table "${table}".`);
  }
  const indexes = new Map((output.Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName ?? '', keyNamesOfSchema(index.KeySchema ?? [])]));
  return { ...keys, indexes };
}

function keyNamesOfSchema(schema: readonly { AttributeName?: string; KeyType?: string }[]): KeyNames {
  return {
    partitionKey: schema.find((element) => element.KeyType === 'HASH')?.AttributeName ?? '',
    sortKey: schema.find((element) => element.KeyType === 'RANGE')?.AttributeName,
  };
}

/** Returns the key names of a table's global secondary index, or rejects an unknown index as DynamoDB does. */
function indexKeysOf(keys: TableKeyNames, table: string, index: string): KeyNames {
  const indexKeys = keys.indexes.get(index);
  if (!indexKeys) {
    const error = new Error(`The table does not have the specified index: ${index}. Indexes of table ${table}: ${[...keys.indexes.keys()].join(', ') || 'none'}.`);
    error.name = 'ValidationException';
    throw error;
  }
  return indexKeys;
}

function pageOf(items: Record<string, unknown>[] | undefined, lastKey: Record<string, unknown> | undefined): PageOutput {
  return lastKey ? { items: items ?? [], lastKey: lastKey as Key } : { items: items ?? [] };
}
