import { existsSync } from 'node:fs';

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
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

    // CloudFront answers 403 for a missing object in a private bucket; both map to index.html so client-side routes load.
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
  }
}
