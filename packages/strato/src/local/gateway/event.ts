/**
 * Builds the payload format 2.0 event that an HTTP API sends to a Lambda
 * integration.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
import type { IncomingMessage } from 'node:http';

import type { APIGatewayProxyEventV2 } from 'aws-lambda';

import { isTextContentType } from './content-types.ts';
import { formatRequestTime, newTraceId } from './request-ids.ts';
import type { RouteMatch } from './route-table.ts';

/** The parts of a request the gateway has already taken apart before it builds the event. */
export interface ParsedRequest {
  readonly request: IncomingMessage;
  /** The decoded path, as HTTP APIs deliver `rawPath`. */
  readonly path: string;
  /** The query exactly as sent, without the `?`. */
  readonly rawQueryString: string;
  readonly body: Buffer | undefined;
  readonly requestId: string;
  readonly epochMs: number;
}

/** The API's identity in `requestContext`, fixed for the life of a gateway. */
export interface ApiIdentity {
  readonly accountId: string;
  readonly apiId: string;
  /** The gateway's own port, sent to the handler as `x-forwarded-port`. */
  readonly port: number;
}

/** The verified token of a route with a JWT authorizer, as `requestContext.authorizer.jwt` carries it. */
export interface JwtContext {
  readonly claims: Readonly<Record<string, string>>;
  readonly scopes: readonly string[] | null;
}

/** Builds the event for one request that matched a route. */
export function buildHttpEvent(parsed: ParsedRequest, match: RouteMatch, api: ApiIdentity, jwt?: JwtContext): APIGatewayProxyEventV2 {
  const { request, path, rawQueryString, body, requestId, epochMs } = parsed;
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  const sourceIp = clientAddress(request);
  addForwardingHeaders(headers, sourceIp, api.port, epochMs);

  const domainName = hostName(headers.host);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: path,
    rawQueryString,
    ...(cookies && { cookies }),
    headers,
    ...(rawQueryString !== '' && { queryStringParameters: parseQuery(rawQueryString) }),
    ...(match.pathParameters && { pathParameters: match.pathParameters }),
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName,
      domainPrefix: domainName.split('.', 1)[0]!,
      http: {
        method: request.method ?? 'GET',
        path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: formatRequestTime(epochMs),
      timeEpoch: epochMs,
      ...(jwt && { authorizer: { jwt: { claims: { ...jwt.claims }, scopes: jwt.scopes === null ? null : [...jwt.scopes] } } }),
    },
    isBase64Encoded: false,
  };

  // A request without a body has no `body` key at all.
  if (body !== undefined && body.length > 0) {
    const asText = isTextContentType(headers['content-type']);
    event.body = asText ? body.toString('utf8') : body.toString('base64');
    event.isBase64Encoded = !asText;
  }
  return event;
}

/** Hop-by-hop headers (RFC 9110, section 7.6.1) end at the gateway and do not reach the integration. */
const HOP_BY_HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Lower-cases header names and joins repeated headers with a comma and no
 * space. The `Cookie` header goes to `cookies`, one element per pair, and not
 * to `headers`, as in the documented example event.
 */
function collectHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; cookies: string[] | undefined } {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;

  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    const value = rawHeaders[index + 1]!;
    if (name === 'cookie') {
      cookies ??= [];
      for (const pair of value.split(';')) {
        const trimmed = pair.trim();
        if (trimmed !== '') cookies.push(trimmed);
      }
      continue;
    }
    if (HOP_BY_HOP_HEADERS.has(name)) continue;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous},${value}`;
  }
  return { headers, cookies };
}

/** Adds the headers API Gateway adds in front of every integration. */
function addForwardingHeaders(headers: Record<string, string>, sourceIp: string, port: number, epochMs: number): void {
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor === undefined ? sourceIp : `${forwardedFor}, ${sourceIp}`;
  headers['x-forwarded-port'] = String(port);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= newTraceId(epochMs);
}

/**
 * Decodes the query as form data (`+` is a space, `%XX` is UTF-8) and joins
 * repeated keys with a comma, as HTTP APIs do: `?metric=temp&metric=gust`
 * gives `"metric": "temp,gust"`.
 */
function parseQuery(rawQueryString: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const previous = parameters[key];
    parameters[key] = previous === undefined ? value : `${previous},${value}`;
  }
  return parameters;
}

/** Returns the client address without the IPv4-mapped prefix; AWS writes a bare address with no `/32`. */
function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function hostName(host: string | undefined): string {
  if (host === undefined || host === '') return 'localhost';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
