import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpStage, LogGroupLogDestination, type CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { AccountRecovery, CfnUserPoolGroup, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';

import type { AppModel, CorsConfig } from '../model/index.ts';
import { SiteHosting } from './site.ts';

export interface SharedStackProps extends StackProps {
  readonly model: AppModel;
  readonly stage: string;
}

/**
 * Resources every service of the application shares: the event bus, the user
 * pool, the HTTP API that serves every service's routes, and the sites.
 * Services reach each other only through what this stack publishes.
 */
export class SharedStack extends Stack {
  readonly bus: EventBus;
  readonly api: HttpApi;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;
  /** The JWT authorizer of routes that require a signed-in user. Its resource lives in this stack, beside the API. */
  readonly authorizer?: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: SharedStackProps) {
    super(scope, id, props);
    const { model, stage } = props;

    this.bus = new EventBus(this, 'Bus', { eventBusName: `${model.name}-${stage}-bus` });

    this.api = new HttpApi(this, 'Api', {
      apiName: `${model.name}-${stage}`,
      corsPreflight: model.api.cors ? corsPreflight(model.api.cors) : undefined,
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    new HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    if (model.auth) {
      const policy = model.auth.passwordPolicy;
      this.userPool = new UserPool(this, 'Users', {
        userPoolName: `${model.name}-${stage}-users`,
        selfSignUpEnabled: true,
        signInAliases: { username: true, email: true },
        // The local user pool matches user names without regard to case, as this setting does.
        signInCaseSensitive: false,
        autoVerify: { email: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        passwordPolicy: {
          minLength: policy.minimumLength,
          requireLowercase: policy.requireLowercase,
          requireUppercase: policy.requireUppercase,
          requireDigits: policy.requireNumbers,
          requireSymbols: policy.requireSymbols,
        },
        removalPolicy: stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      this.userPoolClient = this.userPool.addClient('WebClient', {
        authFlows: { userPassword: true, userSrp: true },
        // The web UI signs in through the user-pool API, not the hosted UI, so no OAuth flows or callback URLs.
        disableOAuth: true,
        generateSecret: false,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
      });
      this.authorizer = new HttpUserPoolAuthorizer('UserPool', this.userPool, { userPoolClients: [this.userPoolClient] });
      for (const group of model.auth.groups) {
        new CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group });
      }
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    }

    for (const site of model.sites) {
      new SiteHosting(this, `Site-${site.service}-${site.name}`, {
        site,
        config: {
          apiUrl: this.api.apiEndpoint,
          region: this.region,
          userPoolId: this.userPool?.userPoolId,
          userPoolClientId: this.userPoolClient?.userPoolClientId,
        },
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'BusName', { value: this.bus.eventBusName });
  }
}

function corsPreflight(cors: CorsConfig): CorsPreflightOptions {
  return {
    allowOrigins: [...cors.allowOrigins],
    allowMethods: (cors.allowMethods ?? ['*']).map((method) => method as CorsHttpMethod),
    allowHeaders: cors.allowHeaders ? [...cors.allowHeaders] : undefined,
    exposeHeaders: cors.exposeHeaders ? [...cors.exposeHeaders] : undefined,
    allowCredentials: cors.allowCredentials,
    maxAge: cors.maxAge === undefined ? undefined : Duration.seconds(cors.maxAge),
  };
}
