/**
 * The route table of an HTTP API, compiled once per model so that matching a
 * request costs one map lookup for static paths and a short scan otherwise.
 *
 * Precedence follows API Gateway's route selection for HTTP APIs: a full
 * match of path and method first, then routes with path variables, then
 * routes with a greedy `{proxy+}` variable, then `$default`. A route with an
 * explicit method wins over `ANY` on the same path, because `ANY` matches
 * only "the methods that you haven't defined for a resource".
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
import type { FunctionModel, RouteModel } from '../../model/index.ts';

/** The route key API Gateway gives the catch-all route. */
export const DEFAULT_ROUTE_KEY = '$default';

export interface RouteMatch {
  readonly routeKey: string;
  readonly fn: FunctionModel;
  /** The route's authorizer settings, when it requires a token. */
  readonly auth: RouteModel['auth'];
  /** Decoded path parameters; undefined when the route has none. */
  readonly pathParameters: Record<string, string> | undefined;
}

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

interface DynamicRoute {
  readonly method: string;
  readonly routeKey: string;
  readonly fn: FunctionModel;
  readonly auth: RouteModel['auth'];
  readonly segments: readonly Segment[];
}

/** Ranks a segment kind; a higher rank is more specific. */
const SEGMENT_RANK = { literal: 2, param: 1, greedy: 0 } as const;

export class RouteTable {
  /** Static routes keyed by `METHOD /path`, `ANY` included as a method. */
  private readonly staticRoutes = new Map<string, RouteMatch>();
  /** Routes with variables, most specific first. */
  private readonly dynamicRoutes: DynamicRoute[] = [];
  private readonly defaultRoute: RouteMatch | undefined;

  constructor(routes: readonly RouteModel[], functions: readonly FunctionModel[]) {
    const functionsById = new Map(functions.map((fn) => [fn.id, fn]));
    let defaultRoute: RouteMatch | undefined;

    for (const route of routes) {
      const fn = functionsById.get(route.functionId);
      if (!fn) throw new Error(`route "${route.routeKey}" names function "${route.functionId}", which the model does not declare.`);

      if (route.routeKey === DEFAULT_ROUTE_KEY) {
        defaultRoute = { routeKey: DEFAULT_ROUTE_KEY, fn, auth: route.auth, pathParameters: undefined };
        continue;
      }

      const segments = parseTemplate(route.path);
      if (segments.every((segment) => segment.kind === 'literal')) {
        this.staticRoutes.set(`${route.method} ${route.path}`, { routeKey: route.routeKey, fn, auth: route.auth, pathParameters: undefined });
      } else {
        this.dynamicRoutes.push({ method: route.method, routeKey: route.routeKey, fn, auth: route.auth, segments });
      }
    }

    this.dynamicRoutes.sort(compareSpecificity);
    this.defaultRoute = defaultRoute;
  }

  /** Finds the route for a request; `path` is the decoded request path. */
  match(method: string, path: string): RouteMatch | undefined {
    const exact = this.staticRoutes.get(`${method} ${path}`) ?? this.staticRoutes.get(`ANY ${path}`);
    if (exact) return exact;

    if (this.dynamicRoutes.length > 0) {
      const parts = path === '/' ? [] : path.slice(1).split('/');
      for (const route of this.dynamicRoutes) {
        if (route.method !== method && route.method !== 'ANY') continue;
        const pathParameters = matchSegments(route.segments, parts);
        if (pathParameters) return { routeKey: route.routeKey, fn: route.fn, auth: route.auth, pathParameters };
      }
    }

    return this.defaultRoute;
  }
}

function parseTemplate(template: string): Segment[] {
  if (template === '/') return [];
  return template.slice(1).split('/').map((text): Segment => {
    if (text.startsWith('{') && text.endsWith('+}')) return { kind: 'greedy', name: text.slice(1, -2) };
    if (text.startsWith('{') && text.endsWith('}')) return { kind: 'param', name: text.slice(1, -1) };
    return { kind: 'literal', text };
  });
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};

  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index]!;
    const part = parts[index];
    if (part === undefined) return undefined;

    if (segment.kind === 'greedy') {
      // A greedy variable takes the rest of the path, one segment at least.
      const rest = parts.slice(index).join('/');
      if (rest === '') return undefined;
      parameters[segment.name] = rest;
      return parameters;
    }
    if (segment.kind === 'literal') {
      if (segment.text !== part) return undefined;
      continue;
    }
    if (part === '') return undefined;
    parameters[segment.name] = part;
  }

  return parts.length === segments.length ? parameters : undefined;
}

/** Orders routes segment by segment, literal before variable before greedy, then explicit methods before `ANY`. */
function compareSpecificity(a: DynamicRoute, b: DynamicRoute): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    const difference = SEGMENT_RANK[b.segments[index]!.kind] - SEGMENT_RANK[a.segments[index]!.kind];
    if (difference !== 0) return difference;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return Number(a.method === 'ANY') - Number(b.method === 'ANY');
}
