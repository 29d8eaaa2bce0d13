import { existsSync } from 'node:fs';

import { Duration, RemovalPolicy, Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import { Distribution, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

import type { SiteModel } from '../model/index.ts';

/** Settings the page loads from `/strato-config.json`, the same file the local cloud serves. */
export interface SiteRuntimeConfig {
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
}

export interface SiteHostingProps {
  readonly site: SiteModel;
  readonly config: SiteRuntimeConfig;
}

/** A private bucket behind CloudFront (origin access control), with the single-page-application fallback. */
export class SiteHosting extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: SiteHostingProps) {
    super(scope, id);
    const { site, config } = props;

    const bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    // CloudFront returns 403 for a missing object in a private bucket, so both 403 and 404 map to index.html and client-side routes load.
    const fallback = site.spa
      ? [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) }))
      : [];
    this.distribution = new Distribution(this, 'Cdn', {
      defaultBehavior: { origin: S3BucketOrigin.withOriginAccessControl(bucket), viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS },
      defaultRootObject: 'index.html',
      errorResponses: fallback,
    });

    // NOTE: a site whose build folder does not exist yet at synth is deployed with its config file only.
    const sources = [Source.jsonData('strato-config.json', config)];
    if (existsSync(site.dir)) sources.unshift(Source.asset(site.dir));
    new BucketDeployment(this, 'Deploy', { destinationBucket: bucket, sources, distribution: this.distribution });
    acknowledgeSiteFindings(this, bucket);
  }
}

/** cdk-nag findings on the site's distribution and on the CDK's deployment function, each with its reason. */
function acknowledgeSiteFindings(site: Construct, bucket: Bucket) {
  const stack = Stack.of(site);
  const bucketLogicalId = stack.getLogicalId(bucket.node.defaultChild as CfnResource);
  const findings: [string, string][] = [
    ['AwsSolutions::AwsSolutions-CFR1', 'The site serves every country; geographic restriction is a business decision per deployment.'],
    ['AwsSolutions::AwsSolutions-CFR2', 'AWS WAF is an account-level choice with its own cost, not part of the application.'],
    ['AwsSolutions::AwsSolutions-CFR3', 'CloudFront standard logs need a log bucket with ACLs enabled, which the stack does not create.'],
    ['AwsSolutions::AwsSolutions-CFR4', 'The default CloudFront domain and certificate are used; a custom domain with a TLS 1.2 policy is set up per deployment.'],
  ];
  // The CDK's BucketDeployment function copies the built files from the asset bucket into the site bucket.
  const deployment = 'The CDK BucketDeployment function needs these actions to copy the built site from the CDK asset bucket into the site bucket.';
  for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
    findings.push([`AwsSolutions::AwsSolutions-IAM5[Action::${action}]`, deployment]);
  }
  findings.push([`AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*]`, deployment]);
  findings.push([`AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`, deployment]);

  for (const [id, reason] of findings) Validations.of(stack).acknowledge({ id, reason });
}
