/**
 * Database operations as `strato/client` sends them, for the resource
 * router, with the IAM actions of the RDS Data API.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrdsdataapi.html
 */
import { AwsError, notAuthorizedMessage, type KindHandler, type LocalAccount, type OperationRequest } from '../router/index.ts';
import type { DatabaseEngine } from './engine.ts';
import type { QueryInput, TransactionInput } from './types.ts';

/** The Data API's actions apply to the cluster, which on AWS carries the database's physical name. */
const clusterArn = (request: OperationRequest, account: LocalAccount) =>
  `arn:aws:rds:${account.region}:${account.accountId}:cluster:${request.resource}`;

export function createDatabaseHandler(databases: DatabaseEngine): KindHandler {
  return {
    operations: {
      query: {
        action: 'rds-data:ExecuteStatement',
        resourceArn: clusterArn,
        run: ({ resource, input }) => databases.query(resource, input as QueryInput),
      },
      beginTransaction: {
        action: 'rds-data:BeginTransaction',
        resourceArn: clusterArn,
        run: ({ resource }) => databases.beginTransaction(resource),
      },
      commitTransaction: {
        action: 'rds-data:CommitTransaction',
        resourceArn: clusterArn,
        run: ({ resource, input }) => databases.commitTransaction(resource, input as TransactionInput),
      },
      rollbackTransaction: {
        action: 'rds-data:RollbackTransaction',
        resourceArn: clusterArn,
        run: ({ resource, input }) => databases.rollbackTransaction(resource, input as TransactionInput),
      },
    },

    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDeniedException', notAuthorizedMessage(caller, action, resourceArn), 403);
    },

    unknownOperation(op) {
      return new AwsError('UnknownOperationException', `Unknown database operation "${op}". Use query, beginTransaction, commitTransaction or rollbackTransaction.`);
    },
  };
}
