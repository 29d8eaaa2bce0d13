import type { AppConfig, AuthConfig, ServiceConfig, SiteConfig } from './config.ts';
import type { AnyResourceModel, AppModel, AuthModel, BusModel, RouteModel, ServiceModel, SiteModel } from './model.ts';
import { ModelError, type ModelProblem } from './problems.ts';
import { NAME_PATTERN, checkName, functionRef, type Report, type ResourceIndex, type ServiceScope } from './resolve-context.ts';
import { resolveRule, resolveSchedule } from './resolve-events.ts';
import { resolveFunction } from './resolve-function.ts';
import { resolveBucket, resolveDatabase, resolveQueue, resolveStream, resolveTable } from './resolve-stores.ts';
import { parseRouteKey } from './routes.ts';
import path from 'node:path';

export { FUNCTION_DEFAULTS } from './resolve-function.ts';

/**
 * Validates a config and resolves it into a frozen model. Reports every
 * problem at once in a `ModelError`.
 */
export function resolveApp(config: AppConfig, root: string): AppModel {
  const problems: ModelProblem[] = [];
  const report: Report = (place, message, fix) => problems.push({ path: place, message, fix });

  if (config?.name === undefined) {
    report('name', 'the application name is missing.', 'Set `name`, such as `name: "photo-sharing"`: lower case letters, digits and dashes.');
  } else if (typeof config.name !== 'string' || !NAME_PATTERN.test(config.name)) {
    report('name', `"${String(config.name)}" is not a valid application name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }
  const bus: BusModel = { kind: 'bus', id: 'bus', service: '', name: 'bus', physicalName: `${config?.name}-bus`, envVar: 'STRATO_BUS' };

  const services = Object.entries(config?.services ?? {}).map(([name, service]) =>
    resolveService({ appName: config.name, name, config: service ?? {}, root, report, bus }));
  if (services.length === 0) {
    report('services', 'the application has no services.', 'Declare at least one service under `services`.');
  }

  const routes = services.flatMap((s) => s.routes);
  checkRoutesClaimedOnce(routes, report);
  const auth = config?.auth ? resolveAuth(config.name, config.auth) : undefined;
  for (const route of routes.filter((r) => r.auth && !auth)) {
    report(`services.${route.service}.routes["${route.routeKey}"].auth`, 'the route requires a token, but the application declares no user pool.', 'Declare `auth` at the top of the config.');
  }

  if (problems.length > 0) throw new ModelError(problems);

  return deepFreeze({
    name: config.name,
    root,
    services,
    functions: services.flatMap((s) => s.functions),
    routes,
    buckets: services.flatMap((s) => s.buckets),
    tables: services.flatMap((s) => s.tables),
    databases: services.flatMap((s) => s.databases),
    queues: services.flatMap((s) => s.queues),
    streams: services.flatMap((s) => s.streams),
    rules: services.flatMap((s) => s.rules),
    schedules: services.flatMap((s) => s.schedules),
    sites: services.flatMap((s) => s.sites),
    bus,
    auth,
    api: { cors: config.api?.cors },
  });
}

interface ServiceInput {
  readonly appName: string;
  readonly name: string;
  readonly config: ServiceConfig;
  readonly root: string;
  readonly report: Report;
  readonly bus: BusModel;
}

function resolveService({ appName, name, config, root, report, bus }: ServiceInput): ServiceModel {
  checkName(`services.${name}`, 'service', name, report);

  const queueNames = new Set<string>();
  for (const [queueName, queue] of Object.entries(config.queues ?? {})) {
    queueNames.add(queueName);
    if (queue?.maxReceiveCount !== undefined) queueNames.add(`${queueName}-dlq`);
  }
  const scope: ServiceScope = {
    appName,
    service: name,
    prefix: `${appName}-${name}`,
    root,
    report,
    functionNames: new Set(Object.keys(config.functions ?? {})),
    queueNames,
  };

  // Stores first, because functions link them by name.
  const buckets = Object.entries(config.buckets ?? {}).map(([n, c]) => resolveBucket(scope, n, c ?? {}));
  const tables = Object.entries(config.tables ?? {}).map(([n, c]) => resolveTable(scope, n, c));
  const databases = Object.entries(config.databases ?? {}).map(([n, c]) => resolveDatabase(scope, n, c ?? {}));
  const queues = Object.entries(config.queues ?? {}).flatMap(([n, c]) => resolveQueue(scope, n, c ?? {}));
  const streams = Object.entries(config.streams ?? {}).map(([n, c]) => resolveStream(scope, n, c ?? {}));
  const resources = indexResources(scope, [...buckets, ...tables, ...databases, ...queues, ...streams]);

  const functions = Object.entries(config.functions ?? {}).map(([n, c]) => resolveFunction(scope, n, c, resources, bus));
  const routes = resolveRoutes(scope, config.routes ?? {});
  const rules = Object.entries(config.rules ?? {}).map(([n, c]) => resolveRule(scope, n, c));
  const schedules = Object.entries(config.schedules ?? {}).map(([n, c]) => resolveSchedule(scope, n, c));
  const sites = Object.entries(config.sites ?? {}).map(([n, c]) => resolveSite(scope, n, c));

  return { name, functions, routes, buckets, tables, databases, queues, streams, rules, schedules, sites };
}

/** Indexes the resources and functions of a service by name, which links use; names must not clash. */
function indexResources(scope: ServiceScope, stores: readonly AnyResourceModel[]): ResourceIndex {
  const index: ResourceIndex = new Map();
  const functionLinks: AnyResourceModel[] = [...scope.functionNames].map((fn) => ({
    kind: 'function',
    id: `${scope.service}.${fn}`,
    service: scope.service,
    name: fn,
    physicalName: `${scope.prefix}-${fn}`,
    envVar: `STRATO_FUNCTION_${fn.toUpperCase().replaceAll('-', '_')}`,
  }));

  for (const resource of [...stores, ...functionLinks]) {
    const previous = index.get(resource.name);
    if (previous) {
      scope.report(`services.${scope.service}`, `the name "${resource.name}" is used by a ${previous.kind} and a ${resource.kind}.`, 'Give every function, bucket, table, database, queue and stream of a service its own name, so links are unambiguous.');
    }
    index.set(resource.name, resource);
  }
  return index;
}

function resolveRoutes(scope: ServiceScope, routes: NonNullable<ServiceConfig['routes']>): RouteModel[] {
  const resolved: RouteModel[] = [];
  for (const [routeKey, target] of Object.entries(routes)) {
    const place = `services.${scope.service}.routes["${routeKey}"]`;
    const parsed = parseRouteKey(routeKey);
    if ('error' in parsed) {
      scope.report(place, parsed.error, 'Write routes as `METHOD /path/{param}`, for example `GET /photos/{id}`.');
      continue;
    }

    const options = typeof target === 'string' ? { function: target } : target;
    const auth = options?.auth === true ? { scopes: [] } : options?.auth ? { scopes: [...options.auth.scopes] } : undefined;
    resolved.push({ ...parsed, service: scope.service, functionId: functionRef(scope, place, options?.function), auth });
  }
  return resolved;
}

function resolveSite(scope: ServiceScope, name: string, config: SiteConfig): SiteModel {
  const place = `services.${scope.service}.sites.${name}`;
  checkName(place, 'site', name, scope.report);
  if (typeof config?.dir !== 'string' || config.dir === '') {
    scope.report(`${place}.dir`, 'the build folder is missing.', 'Set `dir` to the folder the build writes, such as `web/dist`.');
  }

  return {
    id: `${scope.service}.${name}`,
    service: scope.service,
    name,
    dir: path.resolve(scope.root, config?.dir ?? ''),
    build: config?.build,
    cwd: path.resolve(scope.root, config?.cwd ?? '.'),
    spa: config?.spa ?? true,
  };
}

/** Cognito's default password policy: https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html */
function resolveAuth(appName: string, config: AuthConfig): AuthModel {
  const policy = config.passwordPolicy ?? {};
  return {
    physicalName: `${appName}-users`,
    passwordPolicy: {
      minimumLength: policy.minimumLength ?? 8,
      requireLowercase: policy.requireLowercase ?? true,
      requireUppercase: policy.requireUppercase ?? true,
      requireNumbers: policy.requireNumbers ?? true,
      requireSymbols: policy.requireSymbols ?? true,
    },
    groups: config.groups ?? [],
  };
}

function checkRoutesClaimedOnce(routes: readonly RouteModel[], report: Report) {
  const owners = new Map<string, RouteModel>();
  for (const route of routes) {
    // Two templates that differ only in parameter names match the same requests; a greedy `{proxy+}` differs from `{id}`.
    const shape = `${route.method} ${route.path.replace(/\{[^}+]+\}/g, '{}')}`;
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
