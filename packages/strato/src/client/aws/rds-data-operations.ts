/**
 * Database operations on Aurora PostgreSQL through the RDS Data API,
 * returning the shapes of the local router. The linked environment variable
 * carries `{"clusterArn","secretArn","database"}` as JSON. The RDS Data
 * client is imported on the first call.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html
 */
import type { RDSDataClient } from '@aws-sdk/client-rds-data';

import type { QueryInput, QueryOutput, TransactionInput } from '../../local/databases/types.ts';
import { toDataApiParameters, toNamedParameters } from './data-api-parameters.ts';
import type { OperationTable } from './driver.ts';

interface DatabaseTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

export function createDatabaseOperations(): OperationTable {
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-rds-data'); client: RDSDataClient }> | undefined;
  const load = () => {
    loaded ??= import('@aws-sdk/client-rds-data').then((sdk) => ({ sdk, client: new sdk.RDSDataClient({}) }));
    return loaded;
  };
  const targets = new Map<string, DatabaseTarget>();
  const targetOf = (resource: string) => {
    let target = targets.get(resource);
    if (!target) targets.set(resource, target = parseTarget(resource));
    return target;
  };

  return {
    async query(resource: string, input: QueryInput): Promise<QueryOutput> {
      const { sdk, client } = await load();
      const output = await client.send(new sdk.ExecuteStatementCommand({
        ...targetOf(resource),
        sql: toNamedParameters(input.sql),
        parameters: toDataApiParameters(input.params ?? []),
        transactionId: input.transactionId,
        formatRecordsAs: 'JSON',
      }));
      const rows = output.formattedRecords ? JSON.parse(output.formattedRecords) as Record<string, unknown>[] : [];
      return { rows, rowCount: output.numberOfRecordsUpdated || rows.length };
    },

    async beginTransaction(resource: string) {
      const { sdk, client } = await load();
      const output = await client.send(new sdk.BeginTransactionCommand(targetOf(resource)));
      return { transactionId: output.transactionId };
    },

    async commitTransaction(resource: string, input: TransactionInput) {
      const { sdk, client } = await load();
      const { resourceArn, secretArn } = targetOf(resource);
      const output = await client.send(new sdk.CommitTransactionCommand({ resourceArn, secretArn, transactionId: input.transactionId }));
      return { transactionStatus: output.transactionStatus };
    },

    async rollbackTransaction(resource: string, input: TransactionInput) {
      const { sdk, client } = await load();
      const { resourceArn, secretArn } = targetOf(resource);
      const output = await client.send(new sdk.RollbackTransactionCommand({ resourceArn, secretArn, transactionId: input.transactionId }));
      return { transactionStatus: output.transactionStatus };
    },
  };
}

function parseTarget(resource: string): DatabaseTarget {
  let value: { clusterArn?: unknown; secretArn?: unknown; database?: unknown } | undefined;
  try {
    value = JSON.parse(resource) as typeof value;
  } catch {
    value = undefined;
  }
  const { clusterArn, secretArn, database } = value ?? {};
  if (typeof clusterArn !== 'string' || typeof secretArn !== 'string' || typeof database !== 'string') {
    const error = new Error(`The database variable must carry {"clusterArn","secretArn","database"} as JSON, as the deployment sets it; received ${JSON.stringify(resource)}. Link the database to the function in strato.config.ts and deploy again.`);
    error.name = 'BadRequestException';
    throw error;
  }
  return { resourceArn: clusterArn, secretArn, database };
}
