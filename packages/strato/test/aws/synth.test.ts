import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, test } from 'node:test';

import { Match, Template } from 'aws-cdk-lib/assertions';

import { buildAssets, buildCdkApp, LINK_ACTIONS } from '../../src/aws/index.ts';
import { loadApp } from '../../src/model/index.ts';
import { assertCfnLintClean } from '../support/cfn-lint.ts';

const fixture = path.join(import.meta.dirname, '../fixtures/full-app');
let outdir: string;
let shared: Template;
let photos: Template;
let activity: Template;

before(async () => {
  const model = await loadApp(fixture);
  outdir = mkdtempSync(path.join(os.tmpdir(), 'strato-synth-'));
  const assets = await buildAssets(model, path.join(outdir, 'assets'));
  const { app, regions } = buildCdkApp(model, { stage: 'dev', regions: ['us-east-1'], outdir: path.join(outdir, 'cdk.out'), assetFor: (id) => assets.get(id)! });
  // Synthesis runs cdk-nag; an unjustified finding throws here.
  app.synth();

  const [region] = regions;
  shared = Template.fromStack(region!.shared);
  photos = Template.fromStack(region!.services.get('photos')!);
  activity = Template.fromStack(region!.services.get('activity')!);
});

test('shared stack holds bus, pool and API', () => {
  shared.resourceCountIs('AWS::Events::EventBus', 1);
  shared.hasResourceProperties('AWS::Events::EventBus', { Name: 'full-dev-bus' });
  shared.hasResourceProperties('AWS::Cognito::UserPool', {
    Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 8, RequireSymbols: true }) },
  });
  shared.hasResourceProperties('AWS::Cognito::UserPoolClient', { ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']) });
  shared.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
  shared.hasResourceProperties('AWS::ApiGatewayV2::Api', {
    ProtocolType: 'HTTP',
    CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://example.com'], AllowMethods: ['GET', 'POST'] }),
  });
  shared.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AccessLogSettings: Match.anyValue() });
});

test('function settings and release alias', () => {
  photos.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs20.x',
    Handler: 'index.api',
    MemorySize: 256,
    Timeout: 10,
    TracingConfig: { Mode: 'Active' },
  });
  photos.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.worker', ReservedConcurrentExecutions: 5 });
  photos.resourceCountIs('AWS::Lambda::Alias', 2);
  photos.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
  photos.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
  });
  photos.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
    MaximumRetryAttempts: 1,
    DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
  });
});

test('stores are private and encrypted', () => {
  photos.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    BucketEncryption: Match.anyValue(),
  });
  photos.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStatus' })],
  });
  activity.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 2, RetentionPeriodHours: 24, StreamEncryption: Match.anyValue() });
  activity.hasResourceProperties('AWS::RDS::DBCluster', {
    Engine: 'aurora-postgresql',
    EnableHttpEndpoint: true,
    StorageEncrypted: true,
    ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
  });
  activity.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['rds-data:ExecuteStatement']), Resource: Match.anyValue() })]) },
  });
  activity.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 4 } });
});

test('grants are exactly the linked actions', () => {
  const policies = photos.findResources('AWS::IAM::Policy');
  const upload = Object.entries(policies).find(([id]) => id.startsWith('FunctionuploadServiceRoleDefaultPolicy'));
  assert.ok(upload, 'the upload function has a policy');
  const statements = (upload[1] as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } })
    .Properties.PolicyDocument.Statement;
  const actions = statements.flatMap((s) => [s.Action].flat());

  const expected = [...LINK_ACTIONS.bucket.objects, ...LINK_ACTIONS.bucket.bucket, ...LINK_ACTIONS.table, ...LINK_ACTIONS.bus, 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
  assert.deepEqual([...new Set(actions)].sort(), [...new Set(expected)].sort());
  // No statement may reach every resource except X-Ray's, which has no resource-level permissions.
  for (const statement of statements) {
    const isXray = [statement.Action].flat().every((a) => a.startsWith('xray:'));
    if (!isXray) assert.notEqual(statement.Resource, '*', `statement ${JSON.stringify(statement.Action)} is scoped to one resource`);
  }
});

test('routes use the shared API and the authorizer', () => {
  photos.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /photos', AuthorizationType: 'JWT' });
  photos.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /photos/{id}', AuthorizationType: 'NONE' });
  photos.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  shared.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
  shared.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
});

test('triggers wire every event source', () => {
  photos.hasResourceProperties('Custom::S3BucketNotifications', {
    NotificationConfiguration: {
      LambdaFunctionConfigurations: [Match.objectLike({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: Match.arrayWith([{ Name: 'suffix', Value: '.jpg' }, { Name: 'prefix', Value: 'uploads/' }]) } },
      })],
    },
  });
  activity.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 500,
    MaximumBatchingWindowInSeconds: 1,
    StartingPosition: 'TRIM_HORIZON',
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 3,
    ParallelizationFactor: 2,
    DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
  });
  activity.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  activity.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
  activity.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { source: ['full.photos'], 'detail-type': ['PhotoReady'] },
    Targets: Match.arrayWith([Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } })]),
  });
  activity.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
});

test('templates pass cfn-lint', () => {
  assertCfnLintClean(path.join(outdir, 'cdk.out'));
});
