import { existsSync } from 'node:fs';
import path from 'node:path';

import type { AppConfig, BucketConfig, FunctionConfig, ServiceConfig, TableConfig } from './config.ts';
import type {
  AnyResourceModel,
  AppModel,
  BucketModel,
  FunctionModel,
  RouteModel,
  ServiceModel,
  TableModel,
} from './model.ts';
import { ModelError, type ModelProblem } from './problems.ts';
import { parseRouteKey } from './routes.ts';

const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Limits from the Lambda quotas page: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
const MEMORY_MIN_MB = 128;
const MEMORY_MAX_MB = 10240;
const TIMEOUT_MAX_SECONDS = 900;
const ENVIRONMENT_MAX_BYTES = 4096;

export const FUNCTION_DEFAULTS = Object.freeze({ runtime: 'nodejs20.x', memory: 128, timeout: 3 } as const);

/**
 * Validates a config and resolves it into a frozen model. Reports every
 * problem at once in a `ModelError`.
 */
export function resolveApp(config: AppConfig, root: string): AppModel {
  const problems: ModelProblem[] = [];
  const report = (place: string, message: string, fix: string) => problems.push({ path: place, message, fix });

  if (typeof config?.name !== 'string' || !NAME_PATTERN.test(config.name)) {
    report('name', `"${String(config?.name)}" is not a valid application name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }

  const services: ServiceModel[] = [];
  for (const [serviceName, serviceConfig] of Object.entries(config?.services ?? {})) {
    services.push(resolveService(config.name, serviceName, serviceConfig ?? {}, root, report));
  }
  if (services.length === 0) {
    report('services', 'the application has no services.', 'Declare at least one service under `services`.');
  }

  const routes = services.flatMap((s) => s.routes);
  checkRoutesClaimedOnce(routes, report);

  if (problems.length > 0) throw new ModelError(problems);

  return deepFreeze({
    name: config.name,
    root,
    services,
    functions: services.flatMap((s) => s.functions),
    routes,
    buckets: services.flatMap((s) => s.buckets),
    tables: services.flatMap((s) => s.tables),
    api: { cors: config.api?.cors },
  });
}

type Report = (place: string, message: string, fix: string) => void;

function resolveService(appName: string, serviceName: string, config: ServiceConfig, root: string, report: Report): ServiceModel {
  const place = `services.${serviceName}`;
  if (!NAME_PATTERN.test(serviceName)) {
    report(place, `"${serviceName}" is not a valid service name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }

  const prefix = `${appName}-${serviceName}`;
  const functionNames = new Set(Object.keys(config.functions ?? {}));
  const checkFunctionRef = (refPlace: string, name: string) => {
    if (!functionNames.has(name)) {
      const known = [...functionNames].join(', ') || 'none';
      report(refPlace, `function "${name}" is not declared in service "${serviceName}".`, `Use one of its functions (${known}).`);
    }
  };

  const buckets = Object.entries(config.buckets ?? {}).map(([name, bucket]) =>
    resolveBucket(serviceName, prefix, name, bucket ?? {}, checkFunctionRef, report),
  );
  const tables = Object.entries(config.tables ?? {}).map(([name, table]) =>
    resolveTable(serviceName, prefix, name, table, report),
  );

  const resources = new Map<string, AnyResourceModel>();
  for (const resource of [...buckets, ...tables]) {
    if (resources.has(resource.name)) {
      report(`${place}.${resource.kind}s.${resource.name}`, `the name "${resource.name}" is used by two resources of service "${serviceName}".`, 'Give every bucket and table of a service its own name.');
    }
    resources.set(resource.name, resource);
  }

  const functions = Object.entries(config.functions ?? {}).map(([name, fn]) =>
    resolveFunction(serviceName, prefix, name, fn, root, resources, report),
  );

  const routes: RouteModel[] = [];
  for (const [routeKey, target] of Object.entries(config.routes ?? {})) {
    const routePlace = `${place}.routes["${routeKey}"]`;
    const parsed = parseRouteKey(routeKey);
    if ('error' in parsed) {
      report(routePlace, parsed.error, 'Write routes as `METHOD /path/{param}`, for example `GET /photos/{id}`.');
      continue;
    }
    const functionName = typeof target === 'string' ? target : target?.function;
    checkFunctionRef(routePlace, functionName);
    routes.push({ ...parsed, service: serviceName, functionId: `${serviceName}.${functionName}` });
  }

  return { name: serviceName, functions, routes, buckets, tables };
}

function resolveBucket(
  service: string,
  prefix: string,
  name: string,
  config: BucketConfig,
  checkFunctionRef: (place: string, name: string) => void,
  report: Report,
): BucketModel {
  const place = `services.${service}.buckets.${name}`;
  checkResourceName(place, name, report);

  const notifications = (config.notifications ?? []).map((notification, index) => {
    checkFunctionRef(`${place}.notifications[${index}].function`, notification.function);
    if (!Array.isArray(notification.events) || notification.events.length === 0) {
      report(`${place}.notifications[${index}].events`, 'no events are listed.', 'List at least one event, such as `s3:ObjectCreated:*`.');
    }
    return {
      functionId: `${service}.${notification.function}`,
      events: notification.events ?? [],
      prefix: notification.prefix ?? '',
      suffix: notification.suffix ?? '',
    };
  });

  return { kind: 'bucket', ...resourceNames(service, prefix, name, 'BUCKET'), notifications };
}

function resolveTable(service: string, prefix: string, name: string, config: TableConfig, report: Report): TableModel {
  const place = `services.${service}.tables.${name}`;
  checkResourceName(place, name, report);

  if (typeof config?.partitionKey !== 'string' || config.partitionKey === '') {
    report(`${place}.partitionKey`, 'the partition key is missing.', 'Name the attribute that partitions the table, such as `partitionKey: "id"`.');
  }
  if (config?.sortKeyType !== undefined && config.sortKeyType !== 'string' && config.sortKeyType !== 'number') {
    report(`${place}.sortKeyType`, `"${String(config.sortKeyType)}" is not a key type.`, 'Use "string" or "number".');
  }

  return {
    kind: 'table',
    ...resourceNames(service, prefix, name, 'TABLE'),
    partitionKey: config?.partitionKey,
    sortKey: config?.sortKey,
    sortKeyType: config?.sortKeyType ?? 'string',
  };
}

function resolveFunction(
  service: string,
  prefix: string,
  name: string,
  config: FunctionConfig,
  root: string,
  resources: ReadonlyMap<string, AnyResourceModel>,
  report: Report,
): FunctionModel {
  const place = `services.${service}.functions.${name}`;
  if (!NAME_PATTERN.test(name)) {
    report(place, `"${name}" is not a valid function name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }

  const { handlerFile, handlerExport } = resolveHandler(place, config?.handler, root, report);
  const runtime = config?.runtime ?? FUNCTION_DEFAULTS.runtime;
  if (runtime !== 'nodejs20.x' && runtime !== 'python3.12') {
    report(`${place}.runtime`, `runtime "${String(runtime)}" is not supported.`, 'Use "nodejs20.x" or "python3.12".');
  }

  const memoryMB = config?.memory ?? FUNCTION_DEFAULTS.memory;
  if (!Number.isInteger(memoryMB) || memoryMB < MEMORY_MIN_MB || memoryMB > MEMORY_MAX_MB) {
    report(`${place}.memory`, `memory ${memoryMB} is out of range.`, `Use a whole number of MB from ${MEMORY_MIN_MB} to ${MEMORY_MAX_MB}.`);
  }
  const timeoutSeconds = config?.timeout ?? FUNCTION_DEFAULTS.timeout;
  if (!(timeoutSeconds > 0) || timeoutSeconds > TIMEOUT_MAX_SECONDS) {
    report(`${place}.timeout`, `timeout ${timeoutSeconds} is out of range.`, `Use a number of seconds above 0 and at most ${TIMEOUT_MAX_SECONDS}.`);
  }
  const reserved = config?.reservedConcurrency;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0)) {
    report(`${place}.reservedConcurrency`, `${reserved} is not a valid concurrency.`, 'Use a whole number of 0 or more.');
  }

  const links = (config?.links ?? []).flatMap((link, index) => {
    const resource = resolveLink(`${place}.links[${index}]`, service, link, resources, report);
    return resource ? [resource] : [];
  });

  const environment: Record<string, string> = { ...config?.environment };
  for (const resource of links) environment[resource.envVar] = resource.physicalName;
  const environmentBytes = Object.entries(environment).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (environmentBytes > ENVIRONMENT_MAX_BYTES) {
    report(`${place}.environment`, `the environment variables take ${environmentBytes} bytes, over Lambda's limit of ${ENVIRONMENT_MAX_BYTES}.`, 'Move large values to a file or a table.');
  }

  return {
    id: `${service}.${name}`,
    service,
    name,
    physicalName: `${prefix}-${name}`,
    handler: config?.handler,
    handlerFile,
    handlerExport,
    runtime,
    memoryMB,
    timeoutSeconds,
    environment,
    links,
    reservedConcurrency: reserved,
  };
}

function resolveHandler(place: string, handler: unknown, root: string, report: Report) {
  const match = typeof handler === 'string' ? /^(.+)\.([A-Za-z_$][\w$]*)$/.exec(handler) : null;
  if (!match) {
    report(`${place}.handler`, `"${String(handler)}" is not a handler.`, 'Write the file path without extension, a dot and the export name, such as `src/create.handler`.');
    return { handlerFile: '', handlerExport: '' };
  }

  const [, base, handlerExport] = match as unknown as [string, string, string];
  const handlerFile = HANDLER_EXTENSIONS.map((ext) => path.resolve(root, base + ext)).find((file) => existsSync(file))
    ?? (existsSync(path.resolve(root, base + '.py')) ? path.resolve(root, base + '.py') : undefined);
  if (!handlerFile) {
    report(`${place}.handler`, `no file ${base}{${HANDLER_EXTENSIONS.join(',')}} exists in ${root}.`, 'Create the file or correct the path, which is relative to the application folder.');
    return { handlerFile: '', handlerExport };
  }
  return { handlerFile, handlerExport };
}

function resolveLink(place: string, service: string, link: string, resources: ReadonlyMap<string, AnyResourceModel>, report: Report) {
  const [owner, name] = link.includes('.') ? link.split('.', 2) as [string, string] : [service, link];
  if (owner !== service) {
    report(place, `"${link}" belongs to service "${owner}", and a function may only link the stores of its own service "${service}".`, `Reach "${owner}" through its API or its events instead.`);
    return undefined;
  }
  const resource = resources.get(name);
  if (!resource) {
    const known = [...resources.keys()].join(', ') || 'none';
    report(place, `no bucket or table named "${name}" exists in service "${service}".`, `Link one of its resources (${known}) or declare "${name}".`);
  }
  return resource;
}

function checkResourceName(place: string, name: string, report: Report) {
  if (!NAME_PATTERN.test(name)) {
    report(place, `"${name}" is not a valid resource name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }
}

function resourceNames(service: string, prefix: string, name: string, envPrefix: string) {
  return {
    id: `${service}.${name}`,
    service,
    name,
    physicalName: `${prefix}-${name}`,
    envVar: `STRATO_${envPrefix}_${name.toUpperCase().replaceAll('-', '_')}`,
  };
}

function checkRoutesClaimedOnce(routes: readonly RouteModel[], report: Report) {
  const owners = new Map<string, RouteModel>();
  for (const route of routes) {
    // Two templates that differ only in parameter names match the same requests.
    const shape = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
    const previous = owners.get(shape);
    if (previous) {
      report(`services.${route.service}.routes["${route.routeKey}"]`, `the route is already claimed by "${previous.routeKey}" of service "${previous.service}".`, 'Remove one of the two routes or change its path.');
    }
    owners.set(shape, route);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
