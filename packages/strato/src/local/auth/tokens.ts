/**
 * ID and access tokens shaped as Cognito issues them, and the check that the
 * user-pool API applies to an access token (GetUser, ChangePassword, ...).
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
import { randomUUID } from 'node:crypto';

import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

import type { SessionRow, UserRow } from './database.ts';
import { notAuthorized } from './errors.ts';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-keys.ts';

/** Lifetime of ID and access tokens, Cognito's default: one hour. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/** Lifetime of a refresh token, Cognito's default: 30 days. */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;

/** The one scope of tokens from the user-pool API, which lets a user call GetUser and the like on themselves. */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

export interface TokenAudience {
  readonly issuer: string;
  readonly clientId: string;
}

export interface IssuedTokens {
  readonly IdToken: string;
  readonly AccessToken: string;
}

/** Claims of a verified access token that the user-pool API needs. */
export interface AccessTokenClaims extends JWTPayload {
  readonly sub: string;
  readonly origin_jti: string;
  readonly username: string;
}

export class TokenService {
  readonly #key: SigningKey;
  readonly #publicKeys: ReturnType<typeof createLocalJWKSet>;

  constructor(key: SigningKey) {
    this.#key = key;
    this.#publicKeys = createLocalJWKSet(key.jwks);
  }

  /**
   * Signs an ID token and an access token for one user and one session.
   * `nowSeconds` is the issue time; both tokens expire an hour later.
   */
  async issue(user: UserRow, groups: readonly string[], session: SessionRow, audience: TokenAudience, nowSeconds: number): Promise<IssuedTokens> {
    const shared = {
      sub: user.sub,
      ...(groups.length > 0 && { 'cognito:groups': [...groups] }),
      iss: audience.issuer,
      origin_jti: session.origin_jti,
      event_id: session.event_id,
      auth_time: session.auth_time,
      iat: nowSeconds,
      exp: nowSeconds + TOKEN_LIFETIME_SECONDS,
    };

    const idClaims = {
      ...shared,
      ...idTokenAttributes(user),
      'cognito:username': user.username,
      aud: audience.clientId,
      token_use: 'id',
      jti: randomUUID(),
    };
    const accessClaims = {
      ...shared,
      client_id: audience.clientId,
      token_use: 'access',
      scope: ADMIN_SCOPE,
      jti: randomUUID(),
      username: user.username,
    };

    const [IdToken, AccessToken] = await Promise.all([this.#sign(idClaims), this.#sign(accessClaims)]);
    return { IdToken, AccessToken };
  }

  /**
   * Verifies an access token as the user-pool API does: our signature, our
   * issuer and client, `token_use: access`, not expired. Revocation is the
   * caller's check, since it needs the session.
   */
  async verifyAccessToken(token: string, audience: TokenAudience, nowSeconds: number): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#publicKeys, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: audience.issuer,
        currentDate: new Date(nowSeconds * 1000),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw notAuthorized('Access Token has expired');
      throw notAuthorized('Invalid Access Token');
    }

    const valid = payload.token_use === 'access' && payload.client_id === audience.clientId
      && typeof payload.sub === 'string' && typeof payload.origin_jti === 'string' && typeof payload.username === 'string';
    if (!valid) throw notAuthorized('Invalid Access Token');
    return payload as AccessTokenClaims;
  }

  #sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ kid: this.#key.kid, alg: SIGNING_ALGORITHM }).sign(this.#key.privateKey);
  }
}

/**
 * Converts the user's attributes to ID token claims. Cognito writes
 * `email_verified` and `phone_number_verified` as JSON booleans, the rest as strings.
 */
function idTokenAttributes(user: UserRow): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(JSON.parse(user.attributes) as Record<string, string>)) {
    claims[name] = name.endsWith('_verified') ? value === 'true' : value;
  }
  return claims;
}
