/**
 * InitiateAuth with USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, and
 * RespondToAuthChallenge for NEW_PASSWORD_REQUIRED, the challenge of a user
 * created by an administrator.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type { UserRow } from '../database.ts';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized, USER_DOES_NOT_EXIST } from '../errors.ts';
import { hashRefreshToken, newRefreshToken } from '../identifiers.ts';
import { requireClient, requireString } from '../input.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { REFRESH_TOKEN_LIFETIME_SECONDS, TOKEN_LIFETIME_SECONDS } from '../tokens.ts';
import { groupsOf } from '../users.ts';

const AUTH_FLOWS = [
  'USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH',
];

/**
 * Cognito's lockout: after five failed sign-ins in a row the user is locked
 * out for one second, and each further failure doubles that, up to about 15 minutes.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
 */
const FAILURES_BEFORE_LOCKOUT = 5;
const FIRST_LOCKOUT_MS = 1000;
const MAX_LOCKOUT_MS = 15 * 60_000;

/** A NEW_PASSWORD_REQUIRED session lasts three minutes, Cognito's default for authentication sessions. */
const CHALLENGE_SESSION_MS = 3 * 60_000;

// Hashed on first use, so that a sign-in for an unknown user costs as much as one with a wrong password.
let decoyHash: Promise<string> | undefined;

export async function initiateAuth(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const flow = requireString(input, 'AuthFlow');
  const parameters = (input.AuthParameters ?? {}) as Record<string, unknown>;

  if (!AUTH_FLOWS.includes(flow)) {
    throw invalidParameter(`1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${AUTH_FLOWS.join(', ')}]`);
  }
  if (flow === 'USER_PASSWORD_AUTH') return signInWithPassword(context, parameters);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshTokens(context, parameters);

  // NOTE: SRP, custom and choice-based flows are not served locally, so clients must use USER_PASSWORD_AUTH.
  throw invalidParameter(`${flow} flow not enabled for this client`);
}

async function signInWithPassword(context: PoolContext, parameters: Record<string, unknown>) {
  const username = requireAuthParameter(parameters, 'USERNAME');
  const password = requireAuthParameter(parameters, 'PASSWORD');
  const user = context.db.selectUserByName.get(username);

  // NOTE: an unknown user gives UserNotFoundException, as an app client with PreventUserExistenceErrors LEGACY does (the CDK's default).
  if (!user) {
    decoyHash ??= hashPassword(randomUUID());
    await verifyPassword(password, await decoyHash);
    throw new CognitoError('UserNotFoundException', USER_DOES_NOT_EXIST);
  }
  if (user.enabled !== 1) throw notAuthorized('User is disabled.');
  if (user.locked_until > context.now()) throw notAuthorized('Password attempts exceeded');

  if (!(await verifyPassword(password, user.password_hash))) {
    recordFailedSignIn(context, user);
    throw notAuthorized(INCORRECT_CREDENTIALS);
  }
  context.db.updateSignInFailures.run(0, 0, user.sub);

  if (user.status === 'UNCONFIRMED') throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  if (user.status === 'FORCE_CHANGE_PASSWORD') return newPasswordChallenge(context, user);
  return { ChallengeParameters: {}, AuthenticationResult: await startSession(context, user) };
}

function recordFailedSignIn(context: PoolContext, user: UserRow): void {
  const failures = user.failed_sign_ins + 1;
  const excess = failures - FAILURES_BEFORE_LOCKOUT;
  const lockedUntil = excess >= 0 ? context.now() + Math.min(FIRST_LOCKOUT_MS * 2 ** excess, MAX_LOCKOUT_MS) : 0;
  context.db.updateSignInFailures.run(failures, lockedUntil, user.sub);
}

async function refreshTokens(context: PoolContext, parameters: Record<string, unknown>) {
  const refreshToken = requireAuthParameter(parameters, 'REFRESH_TOKEN');
  const session = context.db.selectSessionByRefreshHash.get(hashRefreshToken(refreshToken));
  if (!session) throw notAuthorized('Invalid Refresh Token');
  if (session.revoked === 1) throw notAuthorized('Refresh Token has been revoked');
  if (session.expires_at * 1000 <= context.now()) throw notAuthorized('Refresh Token has expired');

  const user = context.db.selectUserBySub.get(session.sub);
  if (!user) throw notAuthorized('Invalid Refresh Token');
  if (user.enabled !== 1) throw notAuthorized('User is disabled.');

  // A refresh returns new ID and access tokens, but no new refresh token.
  const tokens = await context.tokens.issue(user, groupsOf(context, user), session, context.audience(), nowSeconds(context));
  return { ChallengeParameters: {}, AuthenticationResult: { ...tokens, ExpiresIn: TOKEN_LIFETIME_SECONDS, TokenType: 'Bearer' } };
}

function newPasswordChallenge(context: PoolContext, user: UserRow) {
  const session = randomBytes(48).toString('base64url');
  context.challengeSessions.set(session, { sub: user.sub, expiresAt: context.now() + CHALLENGE_SESSION_MS });
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: user.attributes },
  };
}

/** @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html */
export async function respondToAuthChallenge(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const challengeName = requireString(input, 'ChallengeName');
  const sessionId = requireString(input, 'Session');
  const responses = (input.ChallengeResponses ?? {}) as Record<string, unknown>;
  if (challengeName !== 'NEW_PASSWORD_REQUIRED') throw invalidParameter(`${challengeName} is not a challenge of this session. Only NEW_PASSWORD_REQUIRED is served locally.`);

  const challenge = context.challengeSessions.get(sessionId);
  if (!challenge || challenge.expiresAt <= context.now()) {
    context.challengeSessions.delete(sessionId);
    throw notAuthorized('Invalid session for the user, session is expired.');
  }
  const user = context.db.selectUserBySub.get(challenge.sub);
  const username = requireAuthParameter(responses, 'USERNAME');
  if (!user || user.username.toLowerCase() !== username.toLowerCase()) throw notAuthorized('Invalid session for the user.');

  const newPassword = requireAuthParameter(responses, 'NEW_PASSWORD');
  checkPasswordPolicy(newPassword, context.policy);
  context.db.updatePassword.run(await hashPassword(newPassword), 'CONFIRMED', context.now(), user.sub);
  context.challengeSessions.delete(sessionId);

  const confirmed = context.db.selectUserBySub.get(user.sub)!;
  return { ChallengeParameters: {}, AuthenticationResult: await startSession(context, confirmed) };
}

/** Opens a session for a signed-in user: a new refresh token and the first ID and access tokens. */
async function startSession(context: PoolContext, user: UserRow) {
  const now = nowSeconds(context);
  const refreshToken = newRefreshToken();
  const session = { origin_jti: randomUUID(), event_id: randomUUID(), sub: user.sub, auth_time: now, expires_at: now + REFRESH_TOKEN_LIFETIME_SECONDS, revoked: 0 as const };
  context.db.insertSession.run(session.origin_jti, session.event_id, user.sub, hashRefreshToken(refreshToken), session.auth_time, session.expires_at);

  const tokens = await context.tokens.issue(user, groupsOf(context, user), session, context.audience(), now);
  return { AccessToken: tokens.AccessToken, ExpiresIn: TOKEN_LIFETIME_SECONDS, TokenType: 'Bearer', RefreshToken: refreshToken, IdToken: tokens.IdToken };
}

function requireAuthParameter(parameters: Record<string, unknown>, name: string): string {
  const value = parameters[name];
  if (typeof value !== 'string' || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

function nowSeconds(context: PoolContext): number {
  return Math.floor(context.now() / 1000);
}
