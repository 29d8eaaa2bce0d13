/**
 * The HTTP gateway: one `node:http` server that serves the application's
 * routes as an API Gateway HTTP API does, plus the local cloud's own
 * endpoints mounted under path prefixes (presigned bucket URLs and the like).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AppModel, RouteModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { ServiceError, type InvokeResult, type Invoker } from '../../runtime/types.ts';
import { compileCors, type CorsPolicy } from './cors.ts';
import { buildHttpEvent, type ApiIdentity, type JwtContext, type ParsedRequest } from './event.ts';
import { GATEWAY_ERRORS, sendGatewayError, type GatewayErrorAnswer } from './gateway-errors.ts';
import { toHttpResponse, type HttpResponse } from './integration-response.ts';
import { readRequestBody } from './request-body.ts';
import { newApiRequestId } from './request-ids.ts';
import { RouteTable, type RouteMatch } from './route-table.ts';

/** HTTP API quotas. @see https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html */
export const GATEWAY_LIMITS = Object.freeze({
  /** Payload size: 10 MB. */
  maxBodyBytes: 10 * 1024 * 1024,
  /** Request line and headers together. */
  maxHeaderBytes: 10240,
  /** Maximum integration timeout of an HTTP API: 30 s. */
  integrationTimeoutMs: 30_000,
});

/** A handler for one path prefix of the gateway that is not an application route. */
export interface GatewayMount {
  /** Prefix of the raw request URL, such as `/_strato/s3/`. */
  readonly prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): unknown;
}

/** The outcome of a JWT authorizer for one request. */
export type AuthorizerResult =
  | { readonly ok: true; readonly jwt: JwtContext }
  | { readonly ok: false; readonly status: number; readonly body: { readonly message: string } };

/** Checks the token of a request to a route that has `auth`, as an HTTP API's JWT authorizer does. */
export interface RouteAuthorizer {
  authorize(route: Pick<RouteModel, 'auth'>, headers: IncomingHttpHeaders): Promise<AuthorizerResult>;
}

/** Serves a request that matched no route, such as a site's files; resolves false when it has nothing for it. */
export type FallbackHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

export interface GatewayOptions {
  readonly app: AppModel;
  readonly invoker: Invoker;
  /** @default 0, any free port */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** `requestContext.accountId`. @default '000000000000' */
  readonly accountId?: string;
  /** `requestContext.apiId`. @default derived from the application name */
  readonly apiId?: string;
  readonly logger?: Logger;
  readonly mounts?: readonly GatewayMount[];
  /** @default 30000, the HTTP API maximum */
  readonly integrationTimeoutMs?: number;
  /** @default 10485760, the HTTP API payload quota */
  readonly maxBodyBytes?: number;
  /** Checks tokens for routes with `auth`. Without it, such routes reject every request with 401. */
  readonly authorizer?: RouteAuthorizer;
  /** Serves requests that match no route before the gateway sends 404. */
  readonly fallback?: FallbackHandler;
}

/** Raised when the gateway cannot listen because another program uses the port. */
export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use.`);
    this.name = 'PortInUseError';
  }
}

export class Gateway {
  private routes: RouteTable;
  private cors: CorsPolicy | undefined;
  private readonly mounts: GatewayMount[];
  private readonly api: ApiIdentity;
  private readonly logger: Logger;
  private readonly integrationTimeoutMs: number;
  private readonly maxBodyBytes: number;

  private constructor(private readonly server: Server, private readonly options: GatewayOptions, port: number) {
    this.routes = new RouteTable(options.app.routes, options.app.functions);
    this.cors = compileCors(options.app.api.cors);
    this.mounts = [...(options.mounts ?? [])];
    this.api = { accountId: options.accountId ?? '000000000000', apiId: options.apiId ?? apiIdFor(options.app.name), port };
    this.logger = options.logger ?? silentLogger;
    this.integrationTimeoutMs = options.integrationTimeoutMs ?? GATEWAY_LIMITS.integrationTimeoutMs;
    this.maxBodyBytes = options.maxBodyBytes ?? GATEWAY_LIMITS.maxBodyBytes;
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.handleRequest(request, response));
  }

  /** Starts a gateway and resolves once it listens. Rejects with `PortInUseError` when the port is taken. */
  static async start(options: GatewayOptions): Promise<Gateway> {
    const host = options.host ?? '127.0.0.1';
    const requestedPort = options.port ?? 0;
    const server = createServer({ maxHeaderSize: GATEWAY_LIMITS.maxHeaderBytes });

    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, requestedPort) : error);
      });
      server.listen(requestedPort, host, () => resolve());
    });

    const { port } = server.address() as AddressInfo;
    return new Gateway(server, options, port);
  }

  get port(): number {
    return this.api.port;
  }

  /** Base URL of the API, such as `http://127.0.0.1:3000`. */
  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  /** Serves the routes and CORS settings of a new model from the next request on. */
  setApp(app: AppModel): void {
    this.routes = new RouteTable(app.routes, app.functions);
    this.cors = compileCors(app.api.cors);
  }

  addMount(mount: GatewayMount): void {
    this.mounts.push(mount);
  }

  /** Stops listening and closes every open connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const epochMs = Date.now();
    const requestId = newApiRequestId();
    const url = request.url ?? '/';

    const mount = this.findMount(url);
    if (mount) {
      this.runMount(mount, request, response, requestId);
      return;
    }

    const queryStart = url.indexOf('?');
    const path = decodePath(queryStart === -1 ? url : url.slice(0, queryStart));
    const rawQueryString = queryStart === -1 ? '' : url.slice(queryStart + 1);
    const method = request.method ?? 'GET';

    // With CORS configured, the gateway responds to preflight requests itself, whatever the routes.
    const preflight = this.cors?.preflightHeaders(method, request.headers);
    if (preflight) {
      request.resume();
      response.writeHead(204, { ...preflight, 'apigw-requestid': requestId });
      response.end();
      return;
    }

    const match = this.routes.match(method, path);
    if (!match) {
      this.handleUnmatched(request, response, requestId, method, path);
      return;
    }

    readRequestBody(request, this.maxBodyBytes).then((result) => {
      if (!result.ok) {
        if (result.reason === 'too-large') this.sendError(response, GATEWAY_ERRORS.bodyTooLarge, requestId, method, path, true);
        else response.destroy();
        return;
      }
      const parsed = { request, path, rawQueryString, body: result.body, requestId, epochMs };
      if (match.auth) this.authorizeThenInvoke(parsed, match, response);
      else this.invokeRoute(parsed, match, response, undefined);
    }, (error: unknown) => {
      this.logger.error('reading the body of %s %s failed: %s', method, path, error);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, method, path);
    });
  }

  private handleUnmatched(request: IncomingMessage, response: ServerResponse, requestId: string, method: string, path: string): void {
    const fallback = this.options.fallback;
    if (!fallback) {
      request.resume();
      this.sendError(response, GATEWAY_ERRORS.notFound, requestId, method, path);
      return;
    }

    fallback(request, response).then((served) => {
      if (served) return;
      request.resume();
      this.sendError(response, GATEWAY_ERRORS.notFound, requestId, method, path);
    }, (error: unknown) => {
      this.logger.error('%s %s failed in the fallback handler (request %s): %s', method, path, requestId, error);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, method, path);
    });
  }

  /** Runs the JWT authorizer before the integration, as an HTTP API does for a route with `auth`. */
  private authorizeThenInvoke(parsed: ParsedRequest, match: RouteMatch, response: ServerResponse): void {
    const { request, requestId, path } = parsed;
    const method = request.method ?? 'GET';
    const authorizer = this.options.authorizer;
    if (!authorizer) {
      this.logger.warn('%s %s: route "%s" requires a token, and the application declares no auth, so the request gets 401.', method, path, match.routeKey);
      this.sendError(response, GATEWAY_ERRORS.unauthorized, requestId, method, path);
      return;
    }

    authorizer.authorize(match, request.headers).then((result) => {
      if (result.ok) {
        this.invokeRoute(parsed, match, response, result.jwt);
        return;
      }
      const answer = { status: result.status, contentType: 'application/json', body: JSON.stringify(result.body) };
      this.sendError(response, answer, requestId, method, path);
    }, (error: unknown) => {
      this.logger.error('%s %s: the JWT authorizer failed (request %s): %s', method, path, requestId, error);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, method, path);
    });
  }

  private invokeRoute(parsed: ParsedRequest, match: RouteMatch, response: ServerResponse, jwt: JwtContext | undefined): void {
    const { request, requestId, path } = parsed;
    const method = request.method ?? 'GET';
    let answered = false;

    // The HTTP API gives up on the integration after 30 s; the function may still be running.
    const timer = setTimeout(() => {
      answered = true;
      this.logger.warn('%s %s: function %s did not respond within %d ms; the client gets 503 (request %s).', method, path, match.fn.id, this.integrationTimeoutMs, requestId);
      this.sendError(response, GATEWAY_ERRORS.serviceUnavailable, requestId, method, path);
    }, this.integrationTimeoutMs);

    const onResult = (result: InvokeResult) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      this.respondWithResult(parsed, match, result, response);
    };
    const onFailure = (error: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      this.sendError(response, this.answerForServiceError(error, match, parsed), requestId, method, path);
    };

    try {
      const event = buildHttpEvent(parsed, match, this.api, jwt);
      this.options.invoker.invoke(match.fn, event).then(onResult, onFailure);
    } catch (error) {
      onFailure(error);
    }
  }

  private respondWithResult(parsed: ParsedRequest, match: RouteMatch, result: InvokeResult, response: ServerResponse): void {
    const { request, requestId, path } = parsed;
    const method = request.method ?? 'GET';

    if (!result.ok) {
      this.logger.warn('%s %s: function %s failed (request %s), so the client gets 500: %s: %s', method, path, match.fn.id, result.requestId, result.error.errorType, result.error.errorMessage);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, method, path);
      return;
    }

    const integration = toHttpResponse(result.payload);
    if (!integration.ok) {
      this.logger.warn('%s %s: function %s returned a malformed response (%s); the client gets 500 (request %s).', method, path, match.fn.id, integration.reason, result.requestId);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, method, path);
      return;
    }

    this.writeResponse(request, response, integration.response, parsed, match);
  }

  private writeResponse(request: IncomingMessage, response: ServerResponse, reply: HttpResponse, parsed: ParsedRequest, match: RouteMatch): void {
    const { requestId } = parsed;
    const headers: OutgoingHttpHeaders = this.cors ? this.cors.applyToResponse(request.headers, reply.headers) : reply.headers;
    headers['apigw-requestid'] = requestId;
    headers['content-length'] = typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length;

    try {
      response.writeHead(reply.status, headers);
    } catch (error) {
      // Node rejects header names and values that HTTP does not allow, such as a value with a line break.
      this.logger.warn('%s %s: function %s returned a header HTTP does not allow (%s); the client gets 500.', request.method, request.url, match.fn.id, (error as Error).message);
      this.sendError(response, GATEWAY_ERRORS.internalError, requestId, request.method ?? 'GET', request.url ?? '/');
      return;
    }
    response.end(reply.body);
    this.logger.verbose('%s %s %d in %d ms (request %s, function %s)', request.method, request.url, reply.status, Date.now() - parsed.epochMs, requestId, match.fn.id);
  }

  private answerForServiceError(error: unknown, match: RouteMatch, parsed: ParsedRequest): GatewayErrorAnswer {
    if (error instanceof ServiceError && error.code === 'TooManyRequestsException') return GATEWAY_ERRORS.tooManyRequests;
    if (error instanceof ServiceError && error.code === 'RequestEntityTooLargeException') return GATEWAY_ERRORS.eventTooLarge;

    this.logger.error('%s %s: invoking function %s failed (request %s): %s', parsed.request.method, parsed.path, match.fn.id, parsed.requestId, error);
    return GATEWAY_ERRORS.internalError;
  }

  private sendError(response: ServerResponse, answer: GatewayErrorAnswer, requestId: string, method: string, path: string, closeConnection = false): void {
    sendGatewayError(response, answer, requestId, closeConnection);
    this.logger.verbose('%s %s %d (request %s)', method, path, answer.status, requestId);
  }

  private findMount(url: string): GatewayMount | undefined {
    for (const mount of this.mounts) {
      if (url.startsWith(mount.prefix)) return mount;
    }
    return undefined;
  }

  private runMount(mount: GatewayMount, request: IncomingMessage, response: ServerResponse, requestId: string): void {
    const fail = (error: unknown) => {
      this.logger.error('%s %s failed in the handler mounted at %s: %s', request.method, request.url, mount.prefix, error);
      sendGatewayError(response, GATEWAY_ERRORS.internalError, requestId);
    };
    try {
      Promise.resolve(mount.handle(request, response)).catch(fail);
    } catch (error) {
      fail(error);
    }
  }
}

/**
 * Decodes percent escapes in the path: HTTP APIs have been observed to
 * deliver `rawPath` already decoded (https://github.com/honojs/hono/issues/2156).
 * A malformed escape is left as it is.
 */
function decodePath(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath;
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

/** Derives a stable 10-character API id, as API Gateway ids look, from the application name. */
function apiIdFor(appName: string): string {
  let hash = 2166136261;
  for (const char of appName) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(36).padStart(10, '0').slice(-10);
}
