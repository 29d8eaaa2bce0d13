import { App, Validations, type Stack } from 'aws-cdk-lib';
import nag from 'cdk-nag';

import type { AppModel, ServiceModel } from '../model/index.ts';
import type { FunctionAsset, TrafficShifting } from './functions.ts';
import { acknowledgeJustifiedFindings } from './nag.ts';
import { ServiceStack } from './service-stack.ts';
import { SharedStack } from './shared-stack.ts';

export interface SynthOptions {
  /** Stage name, part of every stack and resource name: `dev`, `prod`. */
  readonly stage: string;
  /** Regions to deploy to; the first is the primary, which owns global tables. */
  readonly regions: readonly string[];
  /** Account to deploy to; without it the stacks are environment-agnostic within their region. */
  readonly account?: string;
  /** Folder of the cloud assembly. */
  readonly outdir?: string;
  /** @default 'canary' */
  readonly shifting?: TrafficShifting;
  /** Returns the built deployment package of a function. */
  readonly assetFor: (functionId: string) => FunctionAsset;
  /** Runs cdk-nag's AwsSolutions checks. @default true */
  readonly nag?: boolean;
}

export interface RegionStacks {
  readonly region: string;
  readonly shared: SharedStack;
  readonly services: ReadonlyMap<string, ServiceStack>;
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Builds the CDK app of a model: in each region, a shared stack and one stack per service. */
export function buildCdkApp(model: AppModel, options: SynthOptions): { app: App; regions: RegionStacks[] } {
  checkOptions(options);
  const app = new App({ outdir: options.outdir });

  const regions = options.regions.map((region) => {
    const env = { region, account: options.account };
    const suffix = options.regions.length > 1 ? `-${region}` : '';
    const shared = new SharedStack(app, `${model.name}-${options.stage}-shared${suffix}`, { env, model, stage: options.stage });

    const services = new Map<string, ServiceStack>();
    for (const service of model.services.filter(hasStackResources)) {
      const stack = new ServiceStack(app, `${model.name}-${options.stage}-${service.name}${suffix}`, {
        env,
        model,
        service,
        shared,
        stage: options.stage,
        shifting: options.shifting ?? 'canary',
        assetFor: options.assetFor,
        regions: options.regions,
      });
      stack.addStackDependency(shared);
      services.set(service.name, stack);
    }
    return { region, shared, services };
  });

  if (options.nag ?? true) {
    for (const { shared, services } of regions) {
      for (const stack of [shared, ...services.values()] as Stack[]) acknowledgeJustifiedFindings(stack);
    }
    Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, regions };
}

/** Returns whether a service needs a stack of its own. A service made only of sites has none, because the shared stack hosts sites. */
export function hasStackResources(service: ServiceModel): boolean {
  const parts = [service.functions, service.buckets, service.tables, service.databases, service.queues, service.streams];
  return parts.some((part) => part.length > 0);
}

function checkOptions(options: SynthOptions) {
  if (!STAGE_PATTERN.test(options.stage)) {
    throw new Error(`Invalid stage "${options.stage}": use 1 to 16 lower case letters, digits and dashes, starting with a letter, such as --stage dev.`);
  }
  if (options.regions.length === 0) {
    throw new Error('No region given: pass --region, such as --region us-east-1, or set AWS_REGION.');
  }
  for (const region of options.regions) {
    if (!REGION_PATTERN.test(region)) throw new Error(`Invalid region "${region}": use an AWS region name such as us-east-1.`);
  }
}
