/**
 * The JWT authorizer of the gateway, as an HTTP API runs it for a route with
 * a Cognito user pool as issuer. It takes the token from the `Authorization`
 * header, bare or after `Bearer `. The token needs an RS256 signature by a key
 * of the pool's JWKS (found by `kid`) and `iss` equal to the pool's issuer.
 * Its `exp` must be in the future and its `nbf` and `iat` in the past. Its
 * `aud` (ID token) or `client_id` (access token) must be the pool's app
 * client. When the route lists scopes, the token's `scope` needs one of them.
 * A missing or
 * invalid token gives 401 `{"message":"Unauthorized"}`; a valid token without
 * any of the route's scopes gives 403 `{"message":"Forbidden"}`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

import type { RouteModel } from '../../model/index.ts';
import { flattenClaims, tokenScopes } from './claims.ts';
import { SIGNING_ALGORITHM } from './signing-keys.ts';

/** The value of `requestContext.authorizer.jwt` in the event. */
export interface JwtAuthorizerContext {
  readonly claims: Readonly<Record<string, string>>;
  /** The token's scopes when the route declares scopes, otherwise `null`. */
  readonly scopes: readonly string[] | null;
}

export type AuthorizeResult =
  | { readonly ok: true; readonly jwt: JwtAuthorizerContext }
  | { readonly ok: false; readonly status: 401; readonly body: { readonly message: 'Unauthorized' } }
  | { readonly ok: false; readonly status: 403; readonly body: { readonly message: 'Forbidden' } };

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface JwtAuthorizerOptions {
  readonly jwks: JSONWebKeySet;
  /** The expected `iss`, read on every check because the pool's URL is set once the gateway listens. */
  readonly issuer: () => string;
  /** App client ids accepted as `aud` or `client_id`. */
  readonly audiences: readonly string[];
  /** Clock in epoch milliseconds. */
  readonly now?: () => number;
}

/** How long a verified token is reused without checking its signature again, never past its expiry. */
export const VERIFIED_TOKEN_CACHE_MS = 60_000;
const MAX_CACHED_TOKENS = 10_000;

const UNAUTHORIZED: AuthorizeResult = Object.freeze({ ok: false, status: 401, body: Object.freeze({ message: 'Unauthorized' }) });
const FORBIDDEN: AuthorizeResult = Object.freeze({ ok: false, status: 403, body: Object.freeze({ message: 'Forbidden' }) });

interface VerifiedToken {
  readonly issuer: string;
  readonly claims: Readonly<Record<string, string>>;
  readonly scopes: readonly string[];
  /** Epoch milliseconds after which the entry must be verified again. */
  readonly reuseUntil: number;
}

export class JwtAuthorizer {
  readonly #keys: ReturnType<typeof createLocalJWKSet>;
  readonly #issuer: () => string;
  readonly #audiences: ReadonlySet<string>;
  readonly #now: () => number;
  readonly #verified = new Map<string, VerifiedToken>();

  constructor(options: JwtAuthorizerOptions) {
    // A local JWKS imports each key once and picks it by `kid`.
    this.#keys = createLocalJWKSet(options.jwks);
    this.#issuer = options.issuer;
    this.#audiences = new Set(options.audiences);
    this.#now = options.now ?? Date.now;
  }

  /** Checks the request's token for a route that requires one. */
  async authorize(route: Pick<RouteModel, 'auth'>, headers: RequestHeaders): Promise<AuthorizeResult> {
    const token = bearerToken(headers.authorization);
    if (token === undefined) return UNAUTHORIZED;

    const verified = this.#cached(token) ?? (await this.#verify(token));
    if (verified === undefined) return UNAUTHORIZED;

    const routeScopes = route.auth?.scopes ?? [];
    if (routeScopes.length === 0) return { ok: true, jwt: { claims: verified.claims, scopes: null } };
    if (!routeScopes.some((scope) => verified.scopes.includes(scope))) return FORBIDDEN;
    return { ok: true, jwt: { claims: verified.claims, scopes: verified.scopes } };
  }

  #cached(token: string): VerifiedToken | undefined {
    const entry = this.#verified.get(token);
    if (entry === undefined) return undefined;
    if (entry.reuseUntil > this.#now() && entry.issuer === this.#issuer()) return entry;
    this.#verified.delete(token);
    return undefined;
  }

  async #verify(token: string): Promise<VerifiedToken | undefined> {
    const now = this.#now();
    const issuer = this.#issuer();
    let payload: JWTPayload;
    try {
      // Listing RS256 alone rejects `alg: none` and HMAC tokens keyed with the public key.
      ({ payload } = await jwtVerify(token, this.#keys, { algorithms: [SIGNING_ALGORITHM], issuer, currentDate: new Date(now) }));
    } catch {
      return undefined;
    }
    if (!this.#fitsClient(payload)) return undefined;
    if (typeof payload.iat === 'number' && payload.iat * 1000 > now) return undefined;
    if (typeof payload.exp !== 'number') return undefined;

    const entry: VerifiedToken = {
      issuer,
      claims: Object.freeze(flattenClaims(payload)),
      scopes: Object.freeze(tokenScopes(payload)),
      reuseUntil: Math.min(now + VERIFIED_TOKEN_CACHE_MS, payload.exp * 1000),
    };
    this.#remember(token, entry);
    return entry;
  }

  /** An ID token names the client in `aud`, an access token in `client_id`; other token uses are refused. */
  #fitsClient(payload: JWTPayload): boolean {
    if (payload.token_use === 'id') {
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      return audiences.some((audience) => typeof audience === 'string' && this.#audiences.has(audience));
    }
    if (payload.token_use === 'access') return typeof payload.client_id === 'string' && this.#audiences.has(payload.client_id);
    return false;
  }

  #remember(token: string, entry: VerifiedToken): void {
    // Maps keep insertion order, so the first key is the oldest entry.
    if (this.#verified.size >= MAX_CACHED_TOKENS) this.#verified.delete(this.#verified.keys().next().value!);
    this.#verified.set(token, entry);
  }
}

/** Takes the token from an `Authorization` header value, bare or after `Bearer `. */
function bearerToken(header: string | readonly string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header) as string | undefined;
  if (value === undefined) return undefined;
  const token = value.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

/** Creates the authorizer for tokens of one local user pool. */
export function createJwtAuthorizer(pool: { readonly jwks: JSONWebKeySet; readonly issuer: string; readonly clientId: string }, now?: () => number): JwtAuthorizer {
  return new JwtAuthorizer({ jwks: pool.jwks, issuer: () => pool.issuer, audiences: [pool.clientId], now });
}
