/**
 * Table operations as `strato/client` sends them, run on the table store.
 */
import type { BatchWriteInput, DeleteInput, Key, PutInput, QueryInput, ScanInput, TableStore, UpdateInput } from '../tables/index.ts';
import { AwsError, notAuthorizedMessage, type KindHandler, type Operation, type OperationRequest } from './kind-handler.ts';
import type { LocalAccount } from './identity.ts';

const tableArn = (request: OperationRequest, account: LocalAccount) =>
  `arn:aws:dynamodb:${account.region}:${account.accountId}:table/${request.resource}`;

/** Returns the ARN a query is authorized on: the index's, under the table's, when it reads a secondary index. */
const queryArn = (request: OperationRequest, account: LocalAccount) => {
  const index = (request.input as { index?: unknown } | undefined)?.index;
  return typeof index === 'string' ? `${tableArn(request, account)}/index/${index}` : tableArn(request, account);
};

function tableOperation(action: string, run: (resource: string, input: never) => unknown, resourceArn = tableArn): Operation {
  // A missing input becomes an empty object, so the store reports the missing fields.
  return { action: `dynamodb:${action}`, resourceArn, run: ({ resource, input }) => run(resource, (input ?? {}) as never) };
}

export function createTableHandler(tables: TableStore): KindHandler {
  return {
    operations: {
      get: tableOperation('GetItem', (resource, input: { key: Key }) => ({ item: tables.get(resource, input.key) })),
      put: tableOperation('PutItem', (resource, input: PutInput) => ({ old: tables.put(resource, input) })),
      delete: tableOperation('DeleteItem', (resource, input: DeleteInput) => ({ old: tables.delete(resource, input) })),
      update: tableOperation('UpdateItem', (resource, input: UpdateInput) => ({ item: tables.update(resource, input) })),
      query: tableOperation('Query', (resource, input: QueryInput) => tables.query(resource, input), queryArn),
      scan: tableOperation('Scan', (resource, input: ScanInput) => tables.scan(resource, input)),
      batchGet: tableOperation('BatchGetItem', (resource, input: { keys: Key[] }) => ({ items: tables.batchGet(resource, input.keys) })),
      batchWrite: tableOperation('BatchWriteItem', (resource, input: BatchWriteInput) => {
        tables.batchWrite(resource, input);
        return {};
      }),
    },

    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDeniedException', notAuthorizedMessage(caller, action, resourceArn));
    },

    unknownOperation(op) {
      return new AwsError('UnknownOperationException', `Unknown table operation "${op}". Use get, put, delete, update, query, scan, batchGet or batchWrite.`);
    },
  };
}
