/**
 * CDK assertions on the stacks of the reference application, derived from
 * its model: every function, route, store, grant and trigger it declares
 * must appear in its service's template.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';

import { Match, Template } from 'aws-cdk-lib/assertions';

import { buildAssets, buildCdkApp, LINK_ACTIONS } from '../../src/aws/index.ts';
import { hasStackResources } from '../../src/aws/synth.ts';
import { loadApp, type AnyResourceModel, type AppModel } from '../../src/model/index.ts';
import { assertCfnLintClean } from '../support/cfn-lint.ts';

const exampleDir = path.join(import.meta.dirname, '../../../../examples/photo-sharing');
let model: AppModel;
let outdir: string;
let shared: Template;
const services = new Map<string, Template>();

before(async () => {
  model = await loadApp(exampleDir);
  outdir = mkdtempSync(path.join(os.tmpdir(), 'strato-reference-'));
  const assets = await buildAssets(model, path.join(outdir, 'assets'));
  const { app, regions } = buildCdkApp(model, { stage: 'prod', regions: ['eu-west-1'], outdir: path.join(outdir, 'cdk.out'), assetFor: (id) => assets.get(id)! });
  app.synth();

  shared = Template.fromStack(regions[0]!.shared);
  for (const [name, stack] of regions[0]!.services) services.set(name, Template.fromStack(stack));
});

function templateOf(service: string): Template {
  const template = services.get(service);
  assert.ok(template, `service ${service} has a stack`);
  return template;
}

function actionsFor(link: AnyResourceModel): string[] {
  if (link.kind === 'bucket') return [...LINK_ACTIONS.bucket.objects, ...LINK_ACTIONS.bucket.bucket];
  if (link.kind === 'database') return [...LINK_ACTIONS.database, 'secretsmanager:GetSecretValue'];
  return [...LINK_ACTIONS[link.kind]];
}

test('one stack per service plus shared', () => {
  assert.deepEqual([...services.keys()].sort(), model.services.filter(hasStackResources).map((s) => s.name).sort());
  shared.resourceCountIs('AWS::Events::EventBus', 1);
  shared.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  if (model.auth) shared.resourceCountIs('AWS::Cognito::UserPool', 1);
  shared.resourceCountIs('AWS::CloudFront::Distribution', model.sites.length);
});

test('every function has its settings', () => {
  for (const fn of model.functions) {
    templateOf(fn.service).hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${fn.handlerExport}`,
      MemorySize: fn.memoryMB,
      Timeout: fn.timeoutSeconds,
      Description: `${fn.id} (${fn.handler})`,
    });
  }
  for (const service of model.services.filter(hasStackResources)) {
    templateOf(service.name).resourceCountIs('AWS::Lambda::Alias', service.functions.length);
    templateOf(service.name).resourceCountIs('AWS::CodeDeploy::DeploymentGroup', service.functions.length);
  }
});

test('every route reaches its function', () => {
  for (const route of model.routes) {
    templateOf(route.service).hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: route.routeKey,
      AuthorizationType: route.auth ? 'JWT' : 'NONE',
    });
  }
});

test('every store is created', () => {
  for (const service of model.services.filter(hasStackResources)) {
    const template = templateOf(service.name);
    template.resourceCountIs('AWS::S3::Bucket', service.buckets.length);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', service.tables.length);
    template.resourceCountIs('AWS::SQS::Queue', service.queues.length);
    template.resourceCountIs('AWS::Kinesis::Stream', service.streams.length);
    template.resourceCountIs('AWS::RDS::DBCluster', service.databases.length);
    for (const table of service.tables) {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: Match.arrayWith([{ AttributeName: table.partitionKey, KeyType: 'HASH' }]),
      });
    }
  }
});

test('every link is one narrow grant', () => {
  for (const fn of model.functions) {
    const policies = templateOf(fn.service).findResources('AWS::IAM::Policy');
    const logicalPrefix = `Function${fn.name.replaceAll('-', '')}ServiceRoleDefaultPolicy`;
    const policy = Object.entries(policies).find(([id]) => id.startsWith(logicalPrefix));
    assert.ok(policy, `${fn.id} has a policy`);

    const statements = (policy[1] as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement;
    const granted = new Set(statements.flatMap((s) => [s.Action].flat()));
    const expected = new Set([...fn.links.flatMap(actionsFor), 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    // Event source mappings add the read actions of their queue or stream to the consumer's role.
    const fromTriggers = [...granted].filter((action) => !expected.has(action));
    for (const action of fromTriggers) {
      assert.match(action, /^(sqs:(ReceiveMessage|DeleteMessage|GetQueueAttributes|GetQueueUrl|ChangeMessageVisibility|SendMessage)|kinesis:(DescribeStream|DescribeStreamSummary|GetRecords|GetShardIterator|ListShards|ListStreams|SubscribeToShard|DescribeStreamConsumer)|dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams))$/, `${fn.id} has ${action} beyond its links and triggers`);
    }
    for (const action of expected) assert.ok(granted.has(action), `${fn.id} lacks ${action}`);
  }
});

test('every trigger is wired', () => {
  for (const bucket of model.buckets) {
    for (const notification of bucket.notifications) {
      templateOf(bucket.service).hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: { LambdaFunctionConfigurations: Match.arrayWith([Match.objectLike({ Events: Match.arrayWith([...notification.events]) })]) },
      });
    }
  }
  for (const rule of model.rules) {
    templateOf(rule.service).hasResourceProperties('AWS::Events::Rule', { EventPattern: rule.pattern });
  }
  for (const service of model.services.filter(hasStackResources)) {
    const mappings = service.queues.filter((q) => q.consumer).length
      + service.streams.reduce((sum, s) => sum + s.consumers.length, 0)
      + service.tables.reduce((sum, t) => sum + (t.stream?.consumers.length ?? 0), 0);
    templateOf(service.name).resourceCountIs('AWS::Lambda::EventSourceMapping', mappings);
  }
});

test('reference templates pass cfn-lint', () => {
  assertCfnLintClean(path.join(outdir, 'cdk.out'));
});
