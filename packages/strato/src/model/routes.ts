const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

/** A segment is literal text, a `{param}`, or a final greedy `{param+}`, as API Gateway allows. */
const SEGMENT = /^(?:[A-Za-z0-9._~!$&'()*,;=:@-]+|\{[A-Za-z_][A-Za-z0-9_]*\+?\})$/;

/**
 * Parses a route key such as `GET /photos/{id}`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export function parseRouteKey(routeKey: string): { routeKey: string; method: string; path: string } | { error: string } {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  if (!match) return { error: `"${routeKey}" is not a route key.` };

  const [, method, routePath] = match as unknown as [string, string, string];
  if (!METHODS.has(method)) return { error: `"${method}" is not an HTTP method.` };

  const segments = routePath === '/' ? [] : routePath.slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    if (!SEGMENT.test(segment)) return { error: `path segment "${segment}" of "${routeKey}" is not valid.` };
    if (segment.endsWith('+}') && index !== segments.length - 1) {
      return { error: `the greedy parameter "${segment}" must be the last segment of "${routeKey}".` };
    }
  }
  return { routeKey, method, path: routePath };
}
