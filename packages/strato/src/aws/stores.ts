import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

import { SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AuroraPostgresEngineVersion, ClusterInstance, DatabaseClusterEngine, DatabaseCluster } from 'aws-cdk-lib/aws-rds';

import type { BucketModel, DatabaseModel, QueueModel, StreamModel, TableModel } from '../model/index.ts';

/** Stores survive `strato destroy` of the production stage; other stages are removed whole. */
function removalPolicy(stage: string): RemovalPolicy {
  return stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

export function createBucket(scope: Construct, model: BucketModel, stage: string): Bucket {
  return new Bucket(scope, `Bucket-${model.name}`, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: false,
    removalPolicy: removalPolicy(stage),
    autoDeleteObjects: stage !== 'prod',
    // Browsers upload and download through presigned URLs, which are cross-origin requests.
    cors: [{ allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD], allowedOrigins: ['*'], allowedHeaders: ['*'], exposedHeaders: ['ETag'] }],
  });
}

const KEY_TYPES = { string: AttributeType.STRING, number: AttributeType.NUMBER } as const;

export interface TablePlacement {
  /** Regions that get a replica; set in the primary region of a multi-region deployment. */
  readonly replicaRegions: readonly string[];
  /** Name of the global table, which a secondary region imports instead of creating; set in multi-region deployments. */
  readonly globalName?: string;
  /** True in a secondary region, which uses the replica the primary region created. */
  readonly isReplica: boolean;
}

/** Creates an on-demand table. With several regions it is a global table, created in the primary region with a replica in each other region. */
export function createTable(scope: Construct, model: TableModel, stage: string, placement: TablePlacement): ITableV2 {
  const id = `Table-${model.name}`;
  if (placement.isReplica && placement.globalName) return TableV2.fromTableName(scope, id, placement.globalName);

  return new TableV2(scope, id, {
    tableName: placement.globalName,
    partitionKey: { name: model.partitionKey, type: AttributeType.STRING },
    sortKey: model.sortKey ? { name: model.sortKey, type: KEY_TYPES[model.sortKeyType] } : undefined,
    billing: Billing.onDemand(),
    globalSecondaryIndexes: model.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: index.sortKey ? { name: index.sortKey, type: KEY_TYPES[index.sortKeyType] } : undefined,
    })),
    timeToLiveAttribute: model.ttlAttribute,
    dynamoStream: model.stream ? StreamViewType[model.stream.viewType] : undefined,
    replicas: placement.replicaRegions.map((region) => ({ region })),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: removalPolicy(stage),
  });
}

/** Creates the queues of a service; dead-letter queues come first in the model's order, so they exist when their source queue needs them. */
export function createQueues(scope: Construct, models: readonly QueueModel[], stage: string): Map<string, Queue> {
  const queues = new Map<string, Queue>();
  const ordered = [...models].sort((a, b) => Number(Boolean(a.deadLetter)) - Number(Boolean(b.deadLetter)));
  for (const model of ordered) {
    const deadLetterQueue = model.deadLetter
      ? { queue: queues.get(model.deadLetter.queueId)!, maxReceiveCount: model.deadLetter.maxReceiveCount }
      : undefined;
    queues.set(model.id, new Queue(scope, `Queue-${model.name}`, {
      fifo: model.fifo || undefined,
      contentBasedDeduplication: model.fifo ? model.contentBasedDeduplication : undefined,
      visibilityTimeout: Duration.seconds(model.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(model.retentionSeconds),
      deliveryDelay: Duration.seconds(model.deliveryDelaySeconds),
      deadLetterQueue,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: removalPolicy(stage),
    }));
  }
  return queues;
}

export function createStream(scope: Construct, model: StreamModel, stage: string): Stream {
  return new Stream(scope, `Stream-${model.name}`, {
    shardCount: model.shards,
    retentionPeriod: Duration.hours(model.retentionHours),
    encryption: StreamEncryption.MANAGED,
    removalPolicy: removalPolicy(stage),
  });
}

/**
 * Creates an Aurora Serverless v2 PostgreSQL cluster with the RDS Data API, so
 * functions reach it over HTTPS without joining its VPC. The VPC has isolated
 * subnets only: nothing in it reaches the internet.
 */
// TODO: apply the model's migrations on deploy. The local engine applies them at start; on AWS nothing runs them
// yet, so a deployer runs each migration file once through the Data API or a SQL client.
export function createDatabase(scope: Construct, model: DatabaseModel, stage: string): DatabaseCluster {
  const vpc = new Vpc(scope, `Network-${model.name}`, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addFlowLog('FlowLog');
  return new DatabaseCluster(scope, `Database-${model.name}`, {
    engine: DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_16_4 }),
    writer: ClusterInstance.serverlessV2('writer'),
    serverlessV2MinCapacity: 0.5,
    serverlessV2MaxCapacity: 4,
    vpc,
    vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    defaultDatabaseName: databaseName(model.name),
    enableDataApi: true,
    iamAuthentication: true,
    storageEncrypted: true,
    deletionProtection: stage === 'prod',
    removalPolicy: removalPolicy(stage),
  });
}

/** Postgres identifiers take underscores, not dashes. */
export function databaseName(name: string): string {
  return name.replaceAll('-', '_');
}
