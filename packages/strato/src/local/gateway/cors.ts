/**
 * CORS as an HTTP API applies it when the API has a CORS configuration: the
 * gateway responds to preflight `OPTIONS` requests itself, whatever the routes,
 * adds the configured headers to integration responses, and drops CORS
 * headers that the integration set. A request gets CORS headers only when it
 * carries an `Origin` header, and a preflight only when it also carries
 * `Access-Control-Request-Method`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

import type { CorsConfig } from '../../model/index.ts';

export interface CorsPolicy {
  /** Returns the headers of the response to a preflight request, or undefined when the request is not a preflight. */
  preflightHeaders(method: string, headers: IncomingHttpHeaders): OutgoingHttpHeaders | undefined;
  /** Replaces any CORS headers of an integration response with the configured ones. */
  applyToResponse(requestHeaders: IncomingHttpHeaders, responseHeaders: OutgoingHttpHeaders): OutgoingHttpHeaders;
}

/** Compiles a CORS configuration into header values computed once. */
export function compileCors(config: CorsConfig | undefined): CorsPolicy | undefined {
  if (!config) return undefined;

  const allowsAnyOrigin = config.allowOrigins.includes('*');
  const originPatterns = config.allowOrigins.filter((origin) => origin !== '*').map(originPattern);
  const allowOrigin = (origin: string): string | undefined => {
    if (allowsAnyOrigin) return '*';
    return originPatterns.some((pattern) => pattern.test(origin)) ? origin : undefined;
  };

  const common: OutgoingHttpHeaders = {};
  if (config.allowCredentials) common['access-control-allow-credentials'] = 'true';

  const preflightExtra: OutgoingHttpHeaders = { ...common };
  if (config.allowMethods?.length) preflightExtra['access-control-allow-methods'] = config.allowMethods.join(',');
  if (config.allowHeaders?.length) preflightExtra['access-control-allow-headers'] = config.allowHeaders.join(',');
  if (config.maxAge !== undefined) preflightExtra['access-control-max-age'] = String(config.maxAge);

  const responseExtra: OutgoingHttpHeaders = { ...common };
  if (config.exposeHeaders?.length) responseExtra['access-control-expose-headers'] = config.exposeHeaders.join(',');

  return {
    preflightHeaders(method, headers) {
      const origin = headers.origin;
      if (method !== 'OPTIONS' || origin === undefined || headers['access-control-request-method'] === undefined) return undefined;

      const allowed = allowOrigin(origin);
      // NOTE: a preflight from an origin that is not allowed gets 204 without CORS headers, so the browser blocks the request. The exact AWS response is not documented.
      return allowed === undefined ? {} : { 'access-control-allow-origin': allowed, ...preflightExtra };
    },

    applyToResponse(requestHeaders, responseHeaders) {
      const withoutCors: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(responseHeaders)) {
        if (!name.startsWith('access-control-')) withoutCors[name] = value;
      }
      const origin = requestHeaders.origin;
      const allowed = origin === undefined ? undefined : allowOrigin(origin);
      return allowed === undefined ? withoutCors : { ...withoutCors, 'access-control-allow-origin': allowed, ...responseExtra };
    },
  };
}

/** Compiles an allowed origin into a pattern. An origin such as `https://*.example.com` allows any subdomain, as HTTP APIs allow wildcard origins. */
function originPattern(origin: string): RegExp {
  const escaped = origin.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`, 'i');
}
