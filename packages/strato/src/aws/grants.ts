import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';

import type { AnyResourceModel } from '../model/index.ts';

/**
 * The actions each kind of link needs: exactly the calls `strato/client`
 * makes for that kind, and nothing else.
 */
export const LINK_ACTIONS = Object.freeze({
  bucket: { objects: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], bucket: ['s3:ListBucket'] },
  database: ['rds-data:ExecuteStatement', 'rds-data:BatchExecuteStatement', 'rds-data:BeginTransaction', 'rds-data:CommitTransaction', 'rds-data:RollbackTransaction'],
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  queue: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
  stream: ['kinesis:PutRecord', 'kinesis:PutRecords', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards'],
  bus: ['events:PutEvents'],
  function: ['lambda:InvokeFunction'],
});

/** ARNs of one deployed resource, as the grant for a link needs them. */
export interface LinkTarget {
  readonly arn: string;
  /** The secret holding a database's credentials, which the Data API reads on the caller's behalf. */
  readonly secretArn?: string;
}

/** Adds to the function's role one statement per link, scoped to that one resource. */
export function grantLink(grantee: IGrantable, link: AnyResourceModel, target: LinkTarget): void {
  const add = (actions: readonly string[], resources: readonly string[]) =>
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [...resources] }));

  switch (link.kind) {
    case 'bucket':
      add(LINK_ACTIONS.bucket.objects, [`${target.arn}/*`]);
      add(LINK_ACTIONS.bucket.bucket, [target.arn]);
      return;
    case 'table':
      // Queries on secondary indexes address the index ARN, which sits under the table's.
      add(LINK_ACTIONS.table, [target.arn, `${target.arn}/index/*`]);
      return;
    case 'database':
      add(LINK_ACTIONS.database, [target.arn]);
      add(['secretsmanager:GetSecretValue'], [target.secretArn!]);
      return;
    default:
      add(LINK_ACTIONS[link.kind], [target.arn]);
  }
}
