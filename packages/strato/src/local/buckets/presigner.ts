/**
 * Presigned URLs for the local cloud's buckets, signed with Signature
 * Version 4 query parameters as S3's are, under a secret that each local
 * cloud keeps in its state folder. Verification signs the incoming request
 * again with the same library and compares the signatures in constant time.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { timingSafeEqual } from 'node:crypto';

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';

import { S3Error } from './errors.ts';
import { validateKey } from './keys.ts';
import { loadSigningSecret } from './signing-secret.ts';

/** Path prefix of presigned URLs on the gateway: `/_strato/s3/<bucket>/<key>`. */
export const PRESIGNED_PATH_PREFIX = '/_strato/s3/';

/** Maximum validity of a SigV4 presigned URL: 7 days. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

/** Access key id in the URLs' credential scope; the secret behind it is the state folder's. */
const ACCESS_KEY_ID = 'STRATOLOCALPRESIGN';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const CONTENT_SHA256_HEADER = 'x-amz-content-sha256';
const REQUIRED_QUERY = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;
/** Query parameter that carries the signing principal; the signature covers it like the rest of the query. */
const PRINCIPAL_QUERY = 'X-Strato-Principal';
/** Parameters the signer adds itself; the rest of the query is signed as the client sent it. */
const SIGNER_QUERY = new Set<string>(REQUIRED_QUERY);

export type PresignMethod = 'GET' | 'PUT' | 'HEAD';

export interface PresignInput {
  readonly method: PresignMethod;
  /** Physical name of the bucket. */
  readonly bucket: string;
  readonly key: string;
  /** Seconds the URL stays valid, 1 to 604800 (7 days). */
  readonly expiresIn: number;
  /** For PUT: the Content-Type the upload must send. It is signed, so another type gets SignatureDoesNotMatch. */
  readonly contentType?: string;
  /**
   * Principal that signs the URL, such as the calling function's role session. S3 names the signer
   * as `userIdentity.principalId` in the events of uploads through the URL, so the URL carries it, signed.
   */
  readonly principalId?: string;
  /** For PUT: user metadata the upload must send as `x-amz-meta-*` headers, signed like the content type. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface PresignerOptions {
  readonly stateDir: string;
  /** Origin the URLs point at: the gateway's base URL, or a function that returns it once the gateway listens. */
  readonly baseUrl: string | (() => string);
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Current time in milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** The parts of an HTTP request that verification reads. */
export interface IncomingSignedRequest {
  readonly method: string;
  /** The raw request target: path and query, as `IncomingMessage.url` has it. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export class Presigner {
  private readonly signer: SignatureV4;
  private readonly baseUrl: () => string;
  private readonly now: () => number;

  constructor(options: PresignerOptions) {
    const secretAccessKey = loadSigningSecret(options.stateDir);
    this.baseUrl = typeof options.baseUrl === 'string' ? () => options.baseUrl as string : options.baseUrl;
    this.now = options.now ?? Date.now;
    // S3 signs the path as it is sent, without the second round of escaping other services use.
    this.signer = new SignatureV4({ credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey }, region: options.region ?? 'us-east-1', service: 's3', sha256: Sha256, uriEscapePath: false });
  }

  /** Returns a URL that allows one method on one object until it expires. */
  async presign(input: PresignInput): Promise<string> {
    validatePresignInput(input);
    const base = new URL(this.baseUrl());
    const headers: Record<string, string> = { host: base.host, [CONTENT_SHA256_HEADER]: UNSIGNED_PAYLOAD };
    if (input.contentType) headers['content-type'] = input.contentType;
    for (const [name, value] of Object.entries(input.metadata ?? {})) headers[`x-amz-meta-${name.toLowerCase()}`] = value;

    const query: Record<string, string> = input.principalId ? { [PRINCIPAL_QUERY]: input.principalId } : {};
    const signed = await this.sign({ method: input.method, host: base, path: objectPath(input.bucket, input.key), query, headers }, new Date(this.now()), input.expiresIn);
    return `${base.origin}${signed.path}?${formatQuery(signed.query)}`;
  }

  /**
   * Checks a request made with a presigned URL and returns the bucket and key it names, and the principal that signed it.
   * Throws the S3Error that S3 returns: AccessDenied when expired, SignatureDoesNotMatch when altered.
   */
  async verify(request: IncomingSignedRequest): Promise<{ bucket: string; key: string; principalId?: string }> {
    const queryAt = request.url.indexOf('?');
    const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const query = parseQuery(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
    const target = parseObjectPath(rawPath);

    const params = requireSignatureParams(query);
    const signingDate = parseAmzDate(params['X-Amz-Date']);
    const expiresIn = parseExpires(params['X-Amz-Expires']);
    if (params['X-Amz-Credential'].split('/')[0] !== ACCESS_KEY_ID) {
      throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records. Presigned URLs of this local cloud are signed with its own key.');
    }
    if (this.now() > signingDate.getTime() + expiresIn * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired');
    }

    const expected = await this.sign({
      method: request.method,
      host: undefined,
      path: rawPath,
      query: Object.fromEntries([...query].filter(([name]) => !SIGNER_QUERY.has(name))),
      headers: signedHeaderValues(request.headers, params['X-Amz-SignedHeaders']),
    }, signingDate, expiresIn);

    // The signer fills in its own credential scope, so a URL whose scope was altered is caught here.
    const credentialMatches = expected.query?.['X-Amz-Credential'] === params['X-Amz-Credential'];
    if (!credentialMatches || !signaturesEqual(String(expected.query?.['X-Amz-Signature']), params['X-Amz-Signature'])) {
      throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
    rejectUnsignedAmzHeaders(request.headers, params['X-Amz-SignedHeaders']);
    const principalId = query.get(PRINCIPAL_QUERY);
    return principalId === undefined ? target : { ...target, principalId };
  }

  private async sign(request: { method: string; host: URL | undefined; path: string; query: Record<string, string>; headers: Record<string, string> }, signingDate: Date, expiresIn: number): Promise<HttpRequest> {
    const toSign: HttpRequest = {
      method: request.method,
      protocol: request.host?.protocol ?? 'http:',
      hostname: request.host?.hostname ?? 'localhost',
      path: request.path,
      query: request.query,
      headers: { ...request.headers, [CONTENT_SHA256_HEADER]: UNSIGNED_PAYLOAD },
    };
    // Every header stays a header, user metadata included, so the request must send the signed values.
    const unhoistable = new Set(Object.keys(toSign.headers));
    return this.signer.presign(toSign, { signingDate, expiresIn, unsignableHeaders: new Set([CONTENT_SHA256_HEADER]), unhoistableHeaders: unhoistable });
  }
}

function validatePresignInput(input: PresignInput): void {
  if (!['GET', 'PUT', 'HEAD'].includes(input.method)) {
    throw new S3Error('InvalidArgument', `Invalid presign method ${JSON.stringify(input.method)}: use GET, PUT or HEAD.`);
  }
  if (!Number.isInteger(input.expiresIn) || input.expiresIn < 1 || input.expiresIn > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new S3Error('InvalidArgument', `Invalid expiresIn ${input.expiresIn}: a presigned URL is valid for 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} seconds (7 days).`);
  }
  validateKey(input.key);
  if (input.key === '.' || input.key === '..') {
    // URL parsers remove `.` and `..` path segments, so such a key cannot travel in a URL path.
    throw new S3Error('InvalidArgument', `The key "${input.key}" cannot be presigned: browsers and URL parsers rewrite "." and ".." path segments.`);
  }
}

/**
 * Returns the URL path of an object. The key travels as one path segment,
 * `/` included, so a key with `../` parts cannot be rewritten by URL
 * normalisation on its way to the gateway.
 */
function objectPath(bucket: string, key: string): string {
  return `${PRESIGNED_PATH_PREFIX}${encodeRfc3986(bucket)}/${encodeRfc3986(key)}`;
}

function parseObjectPath(rawPath: string): { bucket: string; key: string } {
  const rest = rawPath.slice(PRESIGNED_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (!rawPath.startsWith(PRESIGNED_PATH_PREFIX) || slash <= 0 || slash === rest.length - 1) {
    throw new S3Error('InvalidArgument', `Invalid presigned URL path "${rawPath}": expected ${PRESIGNED_PATH_PREFIX}<bucket>/<key>.`);
  }
  try {
    return { bucket: decodeURIComponent(rest.slice(0, slash)), key: decodeURIComponent(rest.slice(slash + 1)) };
  } catch {
    throw new S3Error('InvalidArgument', `Invalid presigned URL path "${rawPath}": it has a malformed percent escape.`);
  }
}

function parseQuery(rawQuery: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals === -1 ? pair : pair.slice(0, equals);
    const value = equals === -1 ? '' : pair.slice(equals + 1);
    try {
      query.set(decodeURIComponent(name), decodeURIComponent(value));
    } catch {
      throw new S3Error('AuthorizationQueryParametersError', `The query parameter "${name}" has a malformed percent escape.`);
    }
  }
  return query;
}

function requireSignatureParams(query: ReadonlyMap<string, string>): Record<(typeof REQUIRED_QUERY)[number], string> {
  const present = REQUIRED_QUERY.filter((name) => query.has(name));
  if (present.length === 0) {
    throw new S3Error('AccessDenied', 'Access Denied. This path serves presigned URLs only: create one with the bucket client\'s presign operation.');
  }
  if (present.length < REQUIRED_QUERY.length) {
    throw new S3Error('AuthorizationQueryParametersError', `Query-string authentication version 4 requires the ${REQUIRED_QUERY.join(', ')} parameters.`);
  }
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}".`);
  }
  return Object.fromEntries(REQUIRED_QUERY.map((name) => [name, query.get(name)!])) as Record<(typeof REQUIRED_QUERY)[number], string>;
}

function parseAmzDate(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got "${value}".`);
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year!, month! - 1, day, hour, minute, second));
}

function parseExpires(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > MAX_PRESIGN_EXPIRES_SECONDS) {
    throw new S3Error('AuthorizationQueryParametersError', `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES_SECONDS}, got "${value}".`);
  }
  return seconds;
}

function signedHeaderValues(headers: IncomingSignedRequest['headers'], signedHeaders: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) {
    const value = headers[name];
    if (value !== undefined) values[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return values;
}

/** S3 rejects a presigned request that sends `x-amz-*` headers its signature does not cover, except the payload hash. */
function rejectUnsignedAmzHeaders(headers: IncomingSignedRequest['headers'], signedHeaders: string): void {
  const signed = new Set(signedHeaders.split(';'));
  const unsigned = Object.keys(headers).filter((name) => name.startsWith('x-amz-') && name !== CONTENT_SHA256_HEADER && !signed.has(name));
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', { HeadersNotSigned: unsigned.join(', ') });
  }
}

function signaturesEqual(expected: string, provided: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const providedBytes = Buffer.from(provided, 'utf8');
  return expectedBytes.length === providedBytes.length && timingSafeEqual(expectedBytes, providedBytes);
}

/** Percent-encodes everything but RFC 3986's unreserved characters, as SigV4 requires. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function formatQuery(query: HttpRequest['query']): string {
  return Object.entries(query ?? {})
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(String(value))}`)
    .join('&');
}
