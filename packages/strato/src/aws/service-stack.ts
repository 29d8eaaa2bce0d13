import { Duration, Stack, type CfnResource, type StackProps } from 'aws-cdk-lib';
import { HttpRoute, HttpRouteKey, type HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRule, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget, SqsQueue as QueueTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IDestination } from 'aws-cdk-lib/aws-lambda';
import { EventBridgeDestination, LambdaDestination as FunctionDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type Bucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';

import type { AppModel, BucketEventName, DestinationModel, ServiceModel, StreamConsumerModel } from '../model/index.ts';
import { createFunction, type DeployedFunction, type FunctionAsset, type TrafficShifting } from './functions.ts';
import { grantLink } from './grants.ts';
import { acknowledgeIndexWildcard, acknowledgeObjectWildcard } from './nag.ts';
import type { SharedStack } from './shared-stack.ts';
import { createBucket, createDatabase, createQueues, createStream, createTable, databaseName } from './stores.ts';

export interface ServiceStackProps extends StackProps {
  readonly model: AppModel;
  readonly service: ServiceModel;
  readonly shared: SharedStack;
  readonly stage: string;
  readonly shifting: TrafficShifting;
  readonly assetFor: (functionId: string) => FunctionAsset;
  /** All regions of the deployment; the first is the primary, which owns global tables. */
  readonly regions: readonly string[];
}

const S3_EVENT_TYPES: Record<BucketEventName, EventType> = {
  's3:ObjectCreated:*': EventType.OBJECT_CREATED,
  's3:ObjectCreated:Put': EventType.OBJECT_CREATED_PUT,
  's3:ObjectCreated:Post': EventType.OBJECT_CREATED_POST,
  's3:ObjectCreated:Copy': EventType.OBJECT_CREATED_COPY,
  's3:ObjectRemoved:*': EventType.OBJECT_REMOVED,
  's3:ObjectRemoved:Delete': EventType.OBJECT_REMOVED_DELETE,
};

/** One service: its stores, its functions with their grants, and every trigger that invokes them. Deployable alone. */
export class ServiceStack extends Stack {
  readonly buckets = new Map<string, Bucket>();
  readonly tables = new Map<string, ITableV2>();
  readonly queues: Map<string, Queue>;
  readonly streams = new Map<string, Stream>();
  readonly databases = new Map<string, DatabaseCluster>();
  readonly functions = new Map<string, DeployedFunction>();

  constructor(scope: Construct, id: string, private readonly props: ServiceStackProps) {
    super(scope, id, props);
    const { service, stage } = props;

    for (const bucket of service.buckets) {
      const created = createBucket(this, bucket, stage);
      acknowledgeObjectWildcard(this, created.node.defaultChild as CfnResource);
      this.buckets.set(bucket.id, created);
    }
    const [primary, ...others] = props.regions;
    const isReplica = this.region !== primary;
    for (const table of service.tables) {
      const globalName = others.length > 0 ? `${props.model.name}-${stage}-${table.service}-${table.name}` : undefined;
      const created = createTable(this, table, stage, { replicaRegions: isReplica ? [] : others, globalName, isReplica });
      if (created.node.defaultChild) acknowledgeIndexWildcard(this, created.node.defaultChild as CfnResource);
      this.tables.set(table.id, created);
    }
    for (const database of service.databases) this.databases.set(database.id, createDatabase(this, database, stage));
    this.queues = createQueues(this, service.queues, stage);
    for (const stream of service.streams) this.streams.set(stream.id, createStream(this, stream, stage));

    for (const fn of service.functions) this.addFunction(fn.id);
    this.linkFunctions();
    this.configureAsyncInvocation();

    this.addRoutes();
    this.addBucketNotifications();
    this.addMappings();
    this.addRules();
    this.addSchedules();
  }

  private addFunction(functionId: string) {
    const model = this.props.service.functions.find((fn) => fn.id === functionId)!;
    const deployed = createFunction(this, {
      model,
      asset: this.props.assetFor(functionId),
      stage: this.props.stage,
      shifting: this.props.shifting,
      environment: { ...model.environment },
    });
    this.functions.set(functionId, deployed);
  }

  /** Replaces each link's local name with the deployed name, and grants exactly the link's actions on that resource. */
  private linkFunctions() {
    for (const model of this.props.service.functions) {
      const { fn } = this.functions.get(model.id)!;
      for (const link of model.links) {
        const target = this.linkTarget(link.kind, link.id);
        fn.addEnvironment(link.envVar, target.name);
        grantLink(fn, link, target);
      }
    }
  }

  private linkTarget(kind: string, id: string): { name: string; arn: string; secretArn?: string } {
    switch (kind) {
      case 'database': {
        // The AWS driver of `strato/client` reads these three values from the one variable.
        const cluster = this.databases.get(id)!;
        const secretArn = cluster.secret!.secretArn;
        const model = this.props.service.databases.find((d) => d.id === id)!;
        const value = { clusterArn: cluster.clusterArn, secretArn, database: databaseName(model.name) };
        return { name: this.toJsonString(value), arn: cluster.clusterArn, secretArn };
      }
      case 'bucket': { const b = this.buckets.get(id)!; return { name: b.bucketName, arn: b.bucketArn }; }
      case 'table': { const t = this.tables.get(id)!; return { name: t.tableName, arn: t.tableArn }; }
      case 'queue': { const q = this.queues.get(id)!; return { name: q.queueName, arn: q.queueArn }; }
      case 'stream': { const s = this.streams.get(id)!; return { name: s.streamName, arn: s.streamArn }; }
      case 'bus': return { name: this.props.shared.bus.eventBusName, arn: this.props.shared.bus.eventBusArn };
      default: { const { alias } = this.functions.get(id)!; return { name: alias.functionArn, arn: alias.functionArn }; }
    }
  }

  private configureAsyncInvocation() {
    for (const model of this.props.service.functions) {
      const { alias } = this.functions.get(model.id)!;
      alias.configureAsyncInvoke({
        retryAttempts: model.async.maxRetryAttempts,
        maxEventAge: Duration.seconds(model.async.maxEventAgeSeconds),
        onSuccess: model.async.onSuccess ? this.destination(model.async.onSuccess) : undefined,
        onFailure: model.async.onFailure ? this.destination(model.async.onFailure) : undefined,
      });
    }
  }

  private destination(destination: DestinationModel): IDestination {
    switch (destination.kind) {
      case 'function': return new FunctionDestination(this.functions.get(destination.functionId)!.alias);
      case 'queue': return new SqsDestination(this.queues.get(destination.queueId)!);
      case 'bus': return new EventBridgeDestination(this.props.shared.bus);
    }
  }

  private addRoutes() {
    const { shared, service } = this.props;

    for (const route of service.routes) {
      const { alias } = this.functions.get(route.functionId)!;
      const id = route.routeKey.replace(/[^A-Za-z0-9]/g, '');
      new HttpRoute(this, `Route-${id}`, {
        httpApi: shared.api,
        routeKey: HttpRouteKey.with(route.path, route.method as HttpMethod),
        integration: new HttpLambdaIntegration(`Integration-${id}`, alias),
        authorizer: route.auth ? shared.authorizer : undefined,
        authorizationScopes: route.auth?.scopes.length ? [...route.auth.scopes] : undefined,
      });
    }
  }

  private addBucketNotifications() {
    for (const bucket of this.props.service.buckets) {
      for (const notification of bucket.notifications) {
        const { alias } = this.functions.get(notification.functionId)!;
        const filter = { prefix: notification.prefix || undefined, suffix: notification.suffix || undefined };
        for (const event of notification.events) {
          this.buckets.get(bucket.id)!.addEventNotification(S3_EVENT_TYPES[event], new LambdaDestination(alias), filter);
        }
      }
    }
  }

  private addMappings() {
    for (const queue of this.props.service.queues) {
      if (!queue.consumer) continue;
      const { alias } = this.functions.get(queue.consumer.functionId)!;
      alias.addEventSource(new SqsEventSource(this.queues.get(queue.id)!, {
        batchSize: queue.consumer.batchSize,
        maxBatchingWindow: queue.consumer.maxBatchingWindowSeconds ? Duration.seconds(queue.consumer.maxBatchingWindowSeconds) : undefined,
        reportBatchItemFailures: queue.consumer.reportBatchItemFailures,
      }));
    }
    for (const stream of this.props.service.streams) {
      for (const consumer of stream.consumers) {
        const { alias } = this.functions.get(consumer.functionId)!;
        alias.addEventSource(new KinesisEventSource(this.streams.get(stream.id)!, this.streamSourceProps(consumer)));
      }
    }
    for (const table of this.props.service.tables) {
      for (const consumer of table.stream?.consumers ?? []) {
        const { alias } = this.functions.get(consumer.functionId)!;
        alias.addEventSource(new DynamoEventSource(this.tables.get(table.id)!, this.streamSourceProps(consumer)));
      }
    }
  }

  private streamSourceProps(consumer: StreamConsumerModel) {
    return {
      batchSize: consumer.batchSize,
      maxBatchingWindow: consumer.maxBatchingWindow ? Duration.seconds(consumer.maxBatchingWindow) : undefined,
      startingPosition: consumer.startingPosition as never,
      startingPositionTimestamp: consumer.startingPositionTimestamp,
      retryAttempts: consumer.maxRetryAttempts,
      maxRecordAge: consumer.maxRecordAge === -1 ? undefined : Duration.seconds(consumer.maxRecordAge),
      bisectBatchOnError: consumer.bisectBatchOnError,
      parallelizationFactor: consumer.parallelizationFactor,
      reportBatchItemFailures: consumer.reportBatchItemFailures,
      onFailure: consumer.onFailureQueueId ? new SqsDlq(this.queues.get(consumer.onFailureQueueId)!) : undefined,
    };
  }

  private addRules() {
    for (const rule of this.props.service.rules) {
      // The typed EventPattern cannot express all of EventBridge's syntax (`$or`, for one), so the pattern written
      // in the config replaces the placeholder the construct requires.
      const cdkRule = new Rule(this, `Rule-${rule.name}`, { eventBus: this.props.shared.bus, eventPattern: { account: [this.account] } });
      (cdkRule.node.defaultChild as CfnRule).eventPattern = rule.pattern;
      for (const target of rule.targets) {
        cdkRule.addTarget(target.kind === 'function'
          ? new LambdaTarget(this.functions.get(target.functionId)!.alias, { retryAttempts: 185, maxEventAge: Duration.hours(24) })
          : new QueueTarget(this.queues.get(target.queueId)!));
      }
    }
  }

  /** Adds a scheduled rule on the default bus per schedule, because such a rule sends the `ScheduledEvent` shape that handlers receive locally. */
  private addSchedules() {
    for (const schedule of this.props.service.schedules) {
      new Rule(this, `Schedule-${schedule.name}`, {
        schedule: Schedule.expression(schedule.expression),
        targets: [new LambdaTarget(this.functions.get(schedule.functionId)!.alias)],
      });
    }
  }
}
