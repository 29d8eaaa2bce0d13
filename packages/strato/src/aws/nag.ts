import { Validations, type CfnResource, type Stack } from 'aws-cdk-lib';

/**
 * Findings of cdk-nag's AwsSolutions pack and of the CDK's CloudFormation
 * validation that Strato accepts, each with its reason. Every other finding
 * fails the synthesis. The ids are the exact findings, so a new wildcard or
 * managed policy still fails.
 */
const JUSTIFIED = [
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The basic execution role only lets a function write its own logs; the CDK attaches it to every function role.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    reason: 'CodeDeploy needs this role to shift traffic between the versions of one alias.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports no resource-level permissions.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-COG2',
    reason: 'The local user-pool emulation has no multi-factor sign-in, so requiring it would make local and deployed sign-in differ.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-COG8',
    reason: 'The Plus feature plan is a paid Cognito tier that each deployment may choose.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-L1',
    reason: 'Functions run nodejs20.x, the runtime the local cloud emulates, so local and deployed behaviour match.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-S1',
    reason: 'Server access logs need a log bucket per stack; CloudTrail data events cover object access where an account needs it.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-SQS3',
    reason: 'A queue has a dead-letter queue when its config sets maxReceiveCount; queues that are themselves failure destinations have none.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-APIG4',
    reason: 'Routes without `auth` in the config are public by design, such as reading the feed; the others use the Cognito JWT authorizer.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason: 'Rotating the database secret needs a rotation function inside the isolated VPC with a Secrets Manager endpoint; functions reach the database through the Data API, which reads the current secret on each call.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-RDS10',
    reason: 'Deletion protection is on for the prod stage; other stages are removed whole by strato destroy.',
  },
  {
    id: 'CloudFormation-Validate::W2531',
    reason: 'Functions run nodejs20.x, the runtime the local cloud emulates, so local and deployed behaviour match.',
  },
] as const;

export function acknowledgeJustifiedFindings(stack: Stack): void {
  for (const { id, reason } of JUSTIFIED) Validations.of(stack).acknowledge({ id, reason });
}

/** Accepts the `/*` grant on a linked bucket's objects: a linked bucket is used for any key, and the grant stays inside that bucket. */
export function acknowledgeObjectWildcard(stack: Stack, bucket: CfnResource): void {
  Validations.of(stack).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket)}.Arn>/*]`,
    reason: 'A function that links a bucket reads and writes any key in that one bucket.',
  });
}

/** Accepts the `/index/*` grant on a linked table: queries on its secondary indexes address the index ARNs under the table's. */
export function acknowledgeIndexWildcard(stack: Stack, table: CfnResource): void {
  Validations.of(stack).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(table)}.Arn>/index/*]`,
    reason: 'A function that links a table may query its secondary indexes, whose ARNs sit under the table ARN.',
  });
}
