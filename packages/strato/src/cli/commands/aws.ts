/**
 * The commands that act on AWS: synth, diff, deploy, destroy and rollback.
 * Each takes parsed options and returns an exit code.
 */
import path from 'node:path';

import { buildAssets, buildCdkApp, deploy, destroy, diff, resolveRegions, rollback, type TrafficShifting } from '../../aws/index.ts';
import { loadApp } from '../../model/index.ts';

export interface AwsCommandOptions {
  readonly appDir: string;
  readonly stage: string;
  /** Regions from repeated or comma-separated `--region` flags. */
  readonly regions: readonly string[];
  readonly services: readonly string[];
  readonly output?: string;
  readonly shifting?: TrafficShifting;
  readonly print: (line: string) => void;
}

/** Writes the cloud assembly to `--output` (default `<app>/cdk.out`) and lists its stacks. */
export async function synthCommand(options: AwsCommandOptions): Promise<number> {
  const model = await loadApp(options.appDir);
  const regions = resolveRegions(options.regions);
  const outdir = path.resolve(options.output ?? path.join(model.root, 'cdk.out'));

  options.print(`Bundling ${model.functions.length} functions...`);
  const assets = await buildAssets(model, path.join(model.root, '.strato', 'aws-assets'));
  options.print(`Synthesizing stage ${options.stage} in ${regions.join(', ')} (cdk-nag AwsSolutions checks on)...`);
  const { app } = buildCdkApp(model, { stage: options.stage, regions, outdir, shifting: options.shifting, assetFor: (id) => assets.get(id)! });
  const assembly = app.synth();

  for (const stack of assembly.stacks) options.print(`  ${stack.stackName}  ${path.relative(process.cwd(), path.join(outdir, stack.templateFile))}`);
  options.print(`Cloud assembly written to ${outdir}`);
  return 0;
}

export async function deployCommand(options: AwsCommandOptions, action: 'deploy' | 'diff' | 'destroy'): Promise<number> {
  const model = await loadApp(options.appDir);
  const regions = resolveRegions(options.regions);
  const release = { stage: options.stage, regions, services: options.services, shifting: options.shifting, onProgress: options.print };

  const run = { deploy, diff, destroy }[action];
  await run(model, release);
  return 0;
}

export async function rollbackCommand(options: AwsCommandOptions): Promise<number> {
  const [service] = options.services;
  if (!service) throw new Error('Name the service to roll back: strato rollback SERVICE --stage STAGE.');

  const model = await loadApp(options.appDir);
  const [region] = resolveRegions(options.regions);
  for (const result of await rollback(model, { service, stage: options.stage, region: region! })) {
    options.print(`${result.functionName}: live alias moved from version ${result.from} to ${result.to}`);
  }
  return 0;
}
