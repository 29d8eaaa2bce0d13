/**
 * The HTTP face of the local user pool, under `/_strato/cognito`:
 *
 * - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`:
 *   the user-pool API over the AWS JSON 1.1 protocol, as the AWS SDK calls it.
 * - `GET /<poolId>/.well-known/jwks.json` and `/.well-known/openid-configuration`:
 *   the signing keys and discovery document, at Cognito's paths under the issuer.
 * - `GET /messages?username=`: the codes that would have been e-mailed, as JSON.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Logger } from '../../observe/logger.ts';
import { silentLogger } from '../../observe/logger.ts';
import { CognitoError } from './errors.ts';
import { COGNITO_PATH_PREFIX, type LocalUserPool } from './user-pool.ts';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_1_1 = 'application/x-amz-json-1.1';

/** Largest request body read; user-pool requests are a few kilobytes at most. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

// Cognito's API accepts browser requests from any origin, because a
// single-page application calls it directly.
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, authorization, cache-control',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage',
  'access-control-max-age': '600',
};

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Whether a request path belongs to the user pool's handler. */
export function isUserPoolPath(path: string): boolean {
  return path === COGNITO_PATH_PREFIX || path.startsWith(`${COGNITO_PATH_PREFIX}/`);
}

/** Creates the handler. It serves paths under `/_strato/cognito` and returns 404 for the rest. */
export function createUserPoolHandler(pool: LocalUserPool, logger: Logger = silentLogger): RequestHandler {
  const jwksPath = `/${pool.poolId}/.well-known/jwks.json`;
  const discoveryPath = `/${pool.poolId}/.well-known/openid-configuration`;

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.slice(COGNITO_PATH_PREFIX.length) || '/';
    const method = request.method ?? 'GET';

    try {
      if (!isUserPoolPath(url.pathname)) return sendJson(response, 404, { message: `No user-pool resource at ${url.pathname}` });
      if (method === 'OPTIONS') return sendJson(response, 204, undefined);
      if (method === 'POST' && path === '/') return await serveOperation(pool, request, response);
      if (method === 'GET' && path === jwksPath) return sendJson(response, 200, pool.jwks);
      if (method === 'GET' && path === discoveryPath) return sendJson(response, 200, discoveryDocument(pool));
      if (method === 'GET' && path === '/messages') return sendJson(response, 200, { messages: pool.messages(url.searchParams.get('username') ?? undefined) });
      return sendJson(response, 404, { message: `No user-pool resource at ${method} ${url.pathname}. The API is POST ${COGNITO_PATH_PREFIX}/; keys are at ${COGNITO_PATH_PREFIX}${jwksPath}.` });
    } catch (error) {
      logger.error('user pool request %s %s failed: %s', method, url.pathname, (error as Error).stack ?? error);
      if (!response.headersSent) sendError(response, new CognitoError('InternalErrorException', 'Internal server error.', 500));
    }
  };
}

async function serveOperation(pool: LocalUserPool, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    return sendError(response, new CognitoError('UnknownOperationException', `Missing or unknown X-Amz-Target header: ${JSON.stringify(target ?? null)}. Expected ${TARGET_PREFIX}<Operation>.`));
  }

  const body = await readBody(request);
  if (body === undefined) {
    // The rest of the body stays unread, so the connection cannot carry another request.
    response.setHeader('connection', 'close');
    return sendError(response, new CognitoError('SerializationException', `The request body is over the limit of ${MAX_REQUEST_BYTES} bytes.`));
  }

  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return sendError(response, new CognitoError('SerializationException', 'The request body is not valid JSON.'));
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return sendError(response, new CognitoError('SerializationException', 'The request body must be a JSON object.'));
  }

  try {
    const output = await pool.call(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>);
    sendJson(response, 200, output, JSON_1_1);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    sendError(response, error);
  }
}

/** Reads the body, or returns `undefined` once it passes the limit. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Sends an error as Cognito does, with its name in `x-amzn-ErrorType` and in `__type`. */
function sendError(response: ServerResponse, error: CognitoError): void {
  response.setHeader('x-amzn-errortype', error.name);
  sendJson(response, error.statusCode, { __type: error.name, message: error.message }, JSON_1_1);
}

function sendJson(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

/** Builds the OpenID discovery document, limited to the fields a token verifier reads. */
function discoveryDocument(pool: LocalUserPool): object {
  return {
    issuer: pool.issuer,
    jwks_uri: `${pool.issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  };
}
