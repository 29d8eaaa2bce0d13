import { existsSync } from 'node:fs';
import path from 'node:path';

import type { FunctionConfig } from './config.ts';
import type { AnyResourceModel, AsyncInvokeModel, BusModel, FunctionModel } from './model.ts';
import { checkName, checkRange, type ResourceIndex, type ServiceScope } from './resolve-context.ts';
import { resolveDestination } from './resolve-events.ts';

const NODE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Limits from the Lambda quotas page: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
const MEMORY_MIN_MB = 128;
const MEMORY_MAX_MB = 10240;
const TIMEOUT_MAX_SECONDS = 900;
const ENVIRONMENT_MAX_BYTES = 4096;

export const FUNCTION_DEFAULTS = Object.freeze({ runtime: 'nodejs20.x', memory: 128, timeout: 3 } as const);

export function resolveFunction(scope: ServiceScope, name: string, config: FunctionConfig, resources: ResourceIndex, bus: BusModel): FunctionModel {
  const place = `services.${scope.service}.functions.${name}`;
  checkName(place, 'function', name, scope.report);

  const runtime = config?.runtime ?? FUNCTION_DEFAULTS.runtime;
  if (runtime !== 'nodejs20.x' && runtime !== 'python3.12') {
    scope.report(`${place}.runtime`, `runtime "${String(runtime)}" is not supported.`, 'Use "nodejs20.x" or "python3.12".');
  }
  const { handlerFile, handlerExport } = resolveHandler(scope, place, config?.handler, runtime === 'python3.12' ? ['.py'] : NODE_EXTENSIONS);

  const memoryMB = config?.memory ?? FUNCTION_DEFAULTS.memory;
  checkRange(scope.report, `${place}.memory`, memoryMB, MEMORY_MIN_MB, MEMORY_MAX_MB, 'a whole number of MB');
  const timeoutSeconds = config?.timeout ?? FUNCTION_DEFAULTS.timeout;
  checkRange(scope.report, `${place}.timeout`, timeoutSeconds, 1, TIMEOUT_MAX_SECONDS, 'seconds');
  const reserved = config?.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
    scope.report(`${place}.reservedConcurrency`, `${reserved} is not a valid concurrency.`, 'Use a whole number of 0 or more.');
  }

  const links = (config?.links ?? []).flatMap((link, index) => {
    const resource = resolveLink(scope, `${place}.links[${index}]`, link, resources, bus);
    return resource ? [resource] : [];
  });

  const environment: Record<string, string> = { ...config?.environment };
  for (const resource of links) environment[resource.envVar] = resource.physicalName;
  const environmentBytes = Object.entries(environment).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)), 0);
  if (environmentBytes > ENVIRONMENT_MAX_BYTES) {
    scope.report(`${place}.environment`, `the environment variables take ${environmentBytes} bytes, over Lambda's limit of ${ENVIRONMENT_MAX_BYTES}.`, 'Move large values to a file or a table.');
  }

  return {
    id: `${scope.service}.${name}`,
    service: scope.service,
    name,
    physicalName: `${scope.prefix}-${name}`,
    handler: config?.handler,
    handlerFile,
    handlerExport,
    runtime,
    memoryMB,
    timeoutSeconds,
    environment,
    links,
    reservedConcurrency: reserved,
    async: resolveAsync(scope, `${place}.async`, config?.async),
  };
}

function resolveAsync(scope: ServiceScope, place: string, config: FunctionConfig['async']): AsyncInvokeModel {
  const maxRetryAttempts = config?.maxRetryAttempts ?? 2;
  const maxEventAgeSeconds = config?.maxEventAge ?? 21_600;
  // Ranges from https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html
  checkRange(scope.report, `${place}.maxRetryAttempts`, maxRetryAttempts, 0, 2, 'a count');
  checkRange(scope.report, `${place}.maxEventAge`, maxEventAgeSeconds, 60, 21_600, 'seconds');

  return {
    maxRetryAttempts,
    maxEventAgeSeconds,
    onSuccess: config?.onSuccess ? resolveDestination(scope, `${place}.onSuccess`, config.onSuccess) : undefined,
    onFailure: config?.onFailure ? resolveDestination(scope, `${place}.onFailure`, config.onFailure) : undefined,
  };
}

function resolveHandler(scope: ServiceScope, place: string, handler: unknown, extensions: readonly string[]) {
  const match = typeof handler === 'string' ? /^(.+)\.([A-Za-z_$][\w$]*)$/.exec(handler) : null;
  if (!match) {
    scope.report(`${place}.handler`, `"${String(handler)}" is not a handler.`, 'Write the file path without extension, a dot and the export name, such as `src/create.handler`.');
    return { handlerFile: '', handlerExport: '' };
  }

  const [, base, handlerExport] = match as unknown as [string, string, string];
  const handlerFile = extensions.map((ext) => path.resolve(scope.root, base + ext)).find((file) => existsSync(file));
  if (!handlerFile) {
    scope.report(`${place}.handler`, `no file ${base}{${extensions.join(',')}} exists in ${scope.root}.`, 'Create the file or correct the path, which is relative to the application folder.');
    return { handlerFile: '', handlerExport };
  }
  return { handlerFile, handlerExport };
}

function resolveLink(scope: ServiceScope, place: string, link: string, resources: ResourceIndex, bus: BusModel): AnyResourceModel | undefined {
  if (link === 'bus') return bus;

  const [owner, name] = link.includes('.') ? link.split('.', 2) as [string, string] : [scope.service, link];
  if (owner !== scope.service) {
    scope.report(place, `"${link}" belongs to service "${owner}", and a function may only link the resources of its own service "${scope.service}".`, `Reach "${owner}" through its API or its events instead.`);
    return undefined;
  }

  const resource = resources.get(name);
  if (!resource) {
    const known = [...resources.keys(), 'bus'].join(', ');
    scope.report(place, `nothing named "${name}" exists in service "${scope.service}".`, `Link one of ${known}, or declare "${name}".`);
  }
  return resource;
}
