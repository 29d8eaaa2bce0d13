import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentConfig, LambdaDeploymentGroup, type ILambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { Alias, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

import type { FunctionModel } from '../model/index.ts';

/** How a new version receives traffic. @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html */
export type TrafficShifting = 'all-at-once' | 'canary' | 'linear';

const SHIFTING: Record<TrafficShifting, ILambdaDeploymentConfig> = {
  'all-at-once': LambdaDeploymentConfig.ALL_AT_ONCE,
  canary: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  linear: LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
};

/** The folder holding a function's deployment package and the handler string Lambda runs inside it. */
export interface FunctionAsset {
  readonly dir: string;
  readonly handler: string;
}

export interface DeployedFunction {
  readonly fn: LambdaFunction;
  /** Alias `live`: everything that invokes the function points here, so CodeDeploy can shift traffic between versions. */
  readonly alias: Alias;
}

export interface FunctionProps {
  readonly model: FunctionModel;
  readonly asset: FunctionAsset;
  readonly stage: string;
  readonly shifting: TrafficShifting;
  /** The environment with linked resource names replaced by their deployed names. */
  readonly environment: Record<string, string>;
}

export function createFunction(scope: Construct, props: FunctionProps): DeployedFunction {
  const { model, asset, stage } = props;

  const logGroup = new LogGroup(scope, `Logs-${model.name}`, {
    retention: stage === 'prod' ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const fn = new LambdaFunction(scope, `Function-${model.name}`, {
    runtime: model.runtime === 'python3.12' ? Runtime.PYTHON_3_12 : Runtime.NODEJS_20_X,
    code: Code.fromAsset(asset.dir),
    handler: asset.handler,
    memorySize: model.memoryMB,
    timeout: Duration.seconds(model.timeoutSeconds),
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    reservedConcurrentExecutions: model.reservedConcurrency,
    tracing: Tracing.ACTIVE,
    logGroup,
    description: `${model.id} (${model.handler})`,
  });

  const alias = new Alias(scope, `Live-${model.name}`, { aliasName: 'live', version: fn.currentVersion });

  // Any error on the new version during the shift rolls the deployment back.
  const errors = new Alarm(scope, `Errors-${model.name}`, {
    metric: alias.metricErrors({ period: Duration.minutes(1) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  new LambdaDeploymentGroup(scope, `Release-${model.name}`, {
    alias,
    deploymentConfig: SHIFTING[props.shifting],
    alarms: [errors],
    autoRollback: { failedDeployment: true, deploymentInAlarm: true, stoppedDeployment: true },
  });

  return { fn, alias };
}
