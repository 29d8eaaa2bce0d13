/**
 * The HTTP endpoint behind presigned URLs, mounted on the gateway under
 * `/_strato/s3/`: PUT stores the request body as it streams in, GET and HEAD
 * return the object, each after the signature and expiry check. Errors are
 * S3's XML error documents with S3's statuses. CORS headers let a web page
 * on another origin upload straight to the bucket.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

import { silentLogger, type Logger } from '../../observe/logger.ts';
import { parseByteRange } from './byte-range.ts';
import { evaluateConditions } from './conditional-request.ts';
import { MAX_PUT_BYTES } from './content-files.ts';
import { S3Error, errorXml } from './errors.ts';
import { ANONYMOUS_PRINCIPAL } from './notifier.ts';
import { PRESIGNED_PATH_PREFIX, type Presigner } from './presigner.ts';
import type { BucketStore } from './store.ts';
import type { ObjectInfo } from './types.ts';

const USER_METADATA_PREFIX = 'x-amz-meta-';

/** Headers a page may read from a cross-origin response; the ETag matters to upload code. */
const EXPOSED_HEADERS = 'ETag, x-amz-request-id, Content-Length, Content-Type, Last-Modified';

export interface PresignedUrlHandlerOptions {
  readonly store: BucketStore;
  readonly presigner: Presigner;
  readonly logger?: Logger;
}

/** A gateway mount: `handle` returns false, untouched, for requests outside its prefix. */
export interface PresignedUrlHandler {
  readonly prefix: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

export function createPresignedUrlHandler(options: PresignedUrlHandlerOptions): PresignedUrlHandler {
  const logger = options.logger ?? silentLogger;

  return {
    prefix: PRESIGNED_PATH_PREFIX,
    async handle(request, response) {
      if (!request.url?.startsWith(PRESIGNED_PATH_PREFIX)) return false;

      const requestId = randomBytes(8).toString('hex').toUpperCase();
      response.setHeader('x-amz-request-id', requestId);
      addCorsHeaders(request, response);

      try {
        await serve(options, request, response);
      } catch (error) {
        sendError(request, response, error, requestId, logger);
      }
      return true;
    },
  };
}

async function serve(options: PresignedUrlHandlerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';

  // A browser's preflight carries no signature, so S3 checks it against the bucket's CORS rules only.
  if (method === 'OPTIONS') {
    answerPreflight(request, response);
    return;
  }
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
    throw new S3Error('MethodNotAllowed', `The specified method is not allowed against this resource: ${method}. Presigned URLs serve GET, HEAD and PUT.`);
  }

  const { bucket, key, principalId } = await options.presigner.verify({ method, url: request.url!, headers: request.headers });
  if (method === 'PUT') await putObject(options.store, request, response, bucket, key, principalId ?? ANONYMOUS_PRINCIPAL);
  else await getObject(options.store, request, response, bucket, key);
}

async function putObject(store: BucketStore, request: IncomingMessage, response: ServerResponse, bucket: string, key: string, principalId: string): Promise<void> {
  const lengthHeader = request.headers['content-length'];
  if (lengthHeader === undefined) {
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const length = Number(lengthHeader);
  if (length > MAX_PUT_BYTES) {
    throw new S3Error('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size: ${length} bytes, the maximum for one PUT is ${MAX_PUT_BYTES} bytes.`);
  }

  const info = await store.put(
    { bucket, key, body: request, contentType: request.headers['content-type'], metadata: userMetadataOf(request), contentMd5: singleHeader(request.headers['content-md5']) },
    { principalId, sourceIp: clientAddress(request) },
  );
  response.writeHead(200, { ETag: info.etag, 'Content-Length': 0 });
  response.end();
}

async function getObject(store: BucketStore, request: IncomingMessage, response: ServerResponse, bucket: string, key: string): Promise<void> {
  if (request.method === 'HEAD') {
    const info = store.head(bucket, key);
    if (answeredByConditions(request, response, info)) return;
    response.writeHead(200, objectHeaders(info));
    response.end();
    return;
  }

  const { info, body, range } = await store.getStream(bucket, key, (size) => parseByteRange(request.headers.range, size));
  let answered: boolean;
  try {
    answered = answeredByConditions(request, response, info);
  } catch (error) {
    body.destroy();
    throw error;
  }
  if (answered) {
    body.destroy();
    return;
  }

  if (range) {
    response.writeHead(206, { ...objectHeaders(info), 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` });
  } else {
    response.writeHead(200, objectHeaders(info));
  }
  await pipeline(body, response);
}

/** Sends 304 or 412 when the request's conditions call for it, and returns whether it did. */
function answeredByConditions(request: IncomingMessage, response: ServerResponse, info: ObjectInfo): boolean {
  const outcome = evaluateConditions(request.headers, info);
  if (outcome === 'proceed') return false;
  if (outcome === 'precondition-failed') throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');

  response.writeHead(304, { ETag: info.etag, 'Last-Modified': info.lastModified.toUTCString() });
  response.end();
  return true;
}

function objectHeaders(info: ObjectInfo): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'Content-Type': info.contentType,
    'Content-Length': info.size,
    ETag: info.etag,
    'Last-Modified': info.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(info.metadata)) headers[USER_METADATA_PREFIX + name] = value;
  return headers;
}

function userMetadataOf(request: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(USER_METADATA_PREFIX) && value !== undefined) {
      metadata[name.slice(USER_METADATA_PREFIX.length)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return metadata;
}

/**
 * Allows every origin: the local cloud has no bucket CORS rules.
 * NOTE: on AWS the bucket needs a CORS rule for browser uploads; without one S3 rejects the preflight.
 */
function addCorsHeaders(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  if (!origin) return;
  response.setHeader('Access-Control-Allow-Origin', origin);
  response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  response.setHeader('Vary', 'Origin');
}

function answerPreflight(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, PUT');
  const requestedHeaders = request.headers['access-control-request-headers'];
  if (requestedHeaders) response.setHeader('Access-Control-Allow-Headers', requestedHeaders);
  response.setHeader('Access-Control-Max-Age', '3000');
  response.writeHead(200, { 'Content-Length': 0 });
  response.end();
}

function sendError(request: IncomingMessage, response: ServerResponse, error: unknown, requestId: string, logger: Logger): void {
  // A client that closes the connection mid-transfer cannot receive a response, and the store has already discarded a partial upload.
  const clientGone = (request.destroyed && !request.complete) || response.destroyed;
  if (clientGone) {
    logger.verbose('%s %s ended early: the client closed the connection (request %s).', request.method, request.url, requestId);
    response.destroy();
    return;
  }

  const s3Error = error instanceof S3Error ? error : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
  if (!(error instanceof S3Error)) logger.error('%s %s failed (request %s): %s', request.method, request.url, requestId, error instanceof Error ? error.stack : error);

  if (response.headersSent) {
    // The object's headers already went out, so the only signal left is a cut connection.
    response.destroy();
    return;
  }

  const body = request.method === 'HEAD' ? '' : errorXml(s3Error, requestId);
  // An upload rejected before its body was read: close the connection rather than read what is left of it.
  if (request.method === 'PUT' && !request.readableEnded) response.setHeader('Connection', 'close');
  response.writeHead(s3Error.statusCode, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Returns a header sent once; a header sent several times arrives joined, which no single-valued check accepts. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** Returns the client's IP address, without the IPv4-mapped IPv6 prefix Node adds. */
function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
