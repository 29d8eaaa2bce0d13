import path from 'node:path';

import { StackSelectionStrategy, Toolkit, type IIoHost } from '@aws-cdk/toolkit-lib';

import type { AppModel } from '../model/index.ts';
import { buildAssets } from './assets.ts';
import { requireCredentials } from './credentials.ts';
import { buildCdkApp, hasStackResources, type SynthOptions } from './synth.ts';

export interface ReleaseOptions extends Omit<SynthOptions, 'assetFor' | 'outdir'> {
  /** Services to act on; all of them (and the shared stack) when empty. */
  readonly services?: readonly string[];
  /** Receives one line per progress message of the toolkit. */
  readonly onProgress?: (line: string) => void;
}

/** Names of the stacks a command acts on: the shared stacks, unless services are chosen, and the chosen services' stacks. */
export function selectStacks(model: AppModel, options: Pick<ReleaseOptions, 'stage' | 'regions' | 'services'>): string[] {
  const chosen = options.services?.length ? options.services : undefined;
  for (const name of chosen ?? []) {
    if (!model.services.some((s) => s.name === name)) {
      throw new Error(`Service "${name}" is not in the application; use one of ${model.services.map((s) => s.name).join(', ')}.`);
    }
  }

  const suffixes = options.regions.length > 1 ? options.regions.map((r) => `-${r}`) : [''];
  const names = chosen ?? ['shared', ...model.services.filter(hasStackResources).map((s) => s.name)];
  return suffixes.flatMap((suffix) => names.map((name) => `${model.name}-${options.stage}-${name}${suffix}`));
}

/** Creates the toolkit and an assembly source that synthesizes the model on demand. */
async function prepare(model: AppModel, options: ReleaseOptions) {
  const toolkit = new Toolkit({ ioHost: progressHost(options.onProgress) });
  const assets = await buildAssets(model, path.join(model.root, '.strato', 'aws-assets'));
  const source = await toolkit.fromAssemblyBuilder(async ({ outdir }) => {
    const { app } = buildCdkApp(model, { ...options, outdir, assetFor: (id) => assets.get(id)! });
    return app.synth();
  }, { outdir: path.join(model.root, '.strato', 'cdk.out') });
  const stacks = { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: selectStacks(model, options) };
  return { toolkit, source, stacks };
}

/** Deploys the application, or only the chosen services, with the user's credentials. */
export async function deploy(model: AppModel, options: ReleaseOptions): Promise<void> {
  await requireCredentials();
  const { toolkit, source, stacks } = await prepare(model, options);
  await toolkit.deploy(source, { stacks });
}

/** Prints what a deployment would change. */
export async function diff(model: AppModel, options: ReleaseOptions): Promise<void> {
  await requireCredentials();
  const { toolkit, source, stacks } = await prepare(model, options);
  await toolkit.diff(source, { stacks });
}

/** Removes the application's stacks, or only the chosen services'. */
export async function destroy(model: AppModel, options: ReleaseOptions): Promise<void> {
  await requireCredentials();
  const { toolkit, source, stacks } = await prepare(model, options);
  await toolkit.destroy(source, { stacks });
}

function progressHost(onProgress: ((line: string) => void) | undefined): IIoHost {
  return {
    notify: async (message) => {
      if (message.level !== 'trace' && message.level !== 'debug') onProgress?.(message.message);
    },
    requestResponse: async (request) => request.defaultResponse,
  };
}
