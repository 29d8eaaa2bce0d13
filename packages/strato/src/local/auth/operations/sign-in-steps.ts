/**
 * Steps shared by the sign-in flows: the lockout after failed attempts, the
 * checks on the user's status once the password is proven, and opening a
 * session with its tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type { UserRow } from '../database.ts';
import { CognitoError, invalidParameter, notAuthorized } from '../errors.ts';
import { hashRefreshToken, newRefreshToken } from '../identifiers.ts';
import type { PoolContext } from '../pool-context.ts';
import { REFRESH_TOKEN_LIFETIME_SECONDS, TOKEN_LIFETIME_SECONDS } from '../tokens.ts';
import { groupsOf } from '../users.ts';

/**
 * Cognito's lockout: after five failed sign-ins in a row the user is locked
 * out for one second, and each further failure doubles that, up to about 15 minutes.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
 */
const FAILURES_BEFORE_LOCKOUT = 5;
const FIRST_LOCKOUT_MS = 1000;
const MAX_LOCKOUT_MS = 15 * 60_000;

/** A challenge session lasts three minutes, Cognito's default for authentication sessions. */
export const CHALLENGE_SESSION_MS = 3 * 60_000;

/** Open challenges kept before expired ones are swept out. */
const MAX_OPEN_CHALLENGES = 1000;

export function requireAuthParameter(parameters: Record<string, unknown>, name: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

export function nowSeconds(context: PoolContext): number {
  return Math.floor(context.now() / 1000);
}

/** Rejects a sign-in attempt by a disabled or locked-out user before the password is checked. */
export function checkSignInAllowed(context: PoolContext, user: UserRow): void {
  if (user.enabled !== 1) throw notAuthorized('User is disabled.');
  if (user.locked_until > context.now()) throw notAuthorized('Password attempts exceeded');
}

export function recordFailedSignIn(context: PoolContext, user: UserRow): void {
  const failures = user.failed_sign_ins + 1;
  const excess = failures - FAILURES_BEFORE_LOCKOUT;
  const lockedUntil = excess >= 0 ? context.now() + Math.min(FIRST_LOCKOUT_MS * 2 ** excess, MAX_LOCKOUT_MS) : 0;
  context.db.updateSignInFailures.run(failures, lockedUntil, user.sub);
}

/**
 * Finishes a sign-in whose password is proven: an unconfirmed user or one
 * who must reset the password gets Cognito's error, a user created by an
 * administrator gets the NEW_PASSWORD_REQUIRED challenge, and the rest get tokens.
 */
export async function completeSignIn(context: PoolContext, user: UserRow) {
  context.db.updateSignInFailures.run(0, 0, user.sub);

  if (user.status === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(context, user);
  return { ChallengeParameters: {}, AuthenticationResult: await startSession(context, user) };
}

function newPasswordChallenge(context: PoolContext, user: UserRow) {
  const session = randomBytes(48).toString('base64url');
  sweepExpired(context.challengeSessions, context.now());
  context.challengeSessions.set(session, { sub: user.sub, expiresAt: context.now() + CHALLENGE_SESSION_MS });
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: user.attributes },
  };
}

/** Opens a session for a signed-in user: a new refresh token and the first ID and access tokens. */
export async function startSession(context: PoolContext, user: UserRow) {
  const now = nowSeconds(context);
  const refreshToken = newRefreshToken();
  const session = { origin_jti: randomUUID(), event_id: randomUUID(), sub: user.sub, auth_time: now, expires_at: now + REFRESH_TOKEN_LIFETIME_SECONDS, revoked: 0 as const };
  context.db.insertSession.run(session.origin_jti, session.event_id, user.sub, hashRefreshToken(refreshToken), session.auth_time, session.expires_at);

  const tokens = await context.tokens.issue(user, groupsOf(context, user), session, context.audience(), now);
  return { AccessToken: tokens.AccessToken, ExpiresIn: TOKEN_LIFETIME_SECONDS, TokenType: 'Bearer', RefreshToken: refreshToken, IdToken: tokens.IdToken };
}

/** Drops expired entries once a map of open challenges grows large, so abandoned sign-ins do not pile up. */
export function sweepExpired(challenges: Map<string, { readonly expiresAt: number }>, now: number): void {
  if (challenges.size < MAX_OPEN_CHALLENGES) return;
  for (const [key, challenge] of challenges) {
    if (challenge.expiresAt <= now) challenges.delete(key);
  }
}
