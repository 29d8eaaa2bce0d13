import { LambdaClient, ListAliasesCommand, ListFunctionsCommand, ListVersionsByFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';

import type { AppModel } from '../model/index.ts';
import { requireCredentials } from './credentials.ts';

export interface RollbackOptions {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  /** A client for tests, such as one pointed at an AWS emulator. */
  readonly client?: LambdaClient;
}

export interface RolledBack {
  readonly functionName: string;
  readonly from: string;
  readonly to: string;
}

const ALIAS = 'live';

/**
 * Points the `live` alias of every function of a service back at the version
 * before the one it points at now. Functions already at their first version
 * are left alone and reported.
 */
export async function rollback(model: AppModel, options: RollbackOptions): Promise<RolledBack[]> {
  const service = model.services.find((s) => s.name === options.service);
  if (!service) {
    throw new Error(`Service "${options.service}" is not in the application; use one of ${model.services.map((s) => s.name).join(', ')}.`);
  }

  if (!options.client) await requireCredentials();
  const client = options.client ?? new LambdaClient({ region: options.region });
  const deployed = await findServiceFunctions(client, `${model.name}-${options.stage}-${service.name}`);
  if (deployed.length === 0) {
    throw new Error(`No deployed functions of service "${service.name}" found for stage "${options.stage}" in ${options.region}; deploy it first with strato deploy.`);
  }

  const results: RolledBack[] = [];
  for (const functionName of deployed) {
    const current = await currentVersion(client, functionName);
    const versions = await publishedVersions(client, functionName);
    const previous = versions.filter((v) => v < Number(current)).at(-1);
    if (previous === undefined) throw new Error(`Function ${functionName} is at its first version ${current}; there is nothing to roll back to.`);

    await client.send(new UpdateAliasCommand({ FunctionName: functionName, Name: ALIAS, FunctionVersion: String(previous) }));
    results.push({ functionName, from: current, to: String(previous) });
  }
  return results;
}

/** CloudFormation names a stack's functions `<stack>-<logical id>-<suffix>`. */
async function findServiceFunctions(client: LambdaClient, stackName: string): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListFunctionsCommand({ Marker: marker }));
    for (const fn of page.Functions ?? []) if (fn.FunctionName?.startsWith(`${stackName}-Function`)) names.push(fn.FunctionName);
    marker = page.NextMarker;
  } while (marker);
  return names;
}

async function currentVersion(client: LambdaClient, functionName: string): Promise<string> {
  const aliases = await client.send(new ListAliasesCommand({ FunctionName: functionName }));
  const live = aliases.Aliases?.find((a) => a.Name === ALIAS);
  if (!live?.FunctionVersion) throw new Error(`Function ${functionName} has no "${ALIAS}" alias; it was not deployed by Strato.`);
  return live.FunctionVersion;
}

async function publishedVersions(client: LambdaClient, functionName: string): Promise<number[]> {
  const versions: number[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker }));
    for (const v of page.Versions ?? []) if (v.Version && v.Version !== '$LATEST') versions.push(Number(v.Version));
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => a - b);
}
