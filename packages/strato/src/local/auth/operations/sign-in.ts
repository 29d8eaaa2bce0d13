/**
 * InitiateAuth with USER_PASSWORD_AUTH, USER_SRP_AUTH and
 * REFRESH_TOKEN_AUTH, and RespondToAuthChallenge for PASSWORD_VERIFIER (the
 * second step of SRP) and NEW_PASSWORD_REQUIRED (the first sign-in of a user
 * created by an administrator). Also AdminInitiateAuth and RevokeToken.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 */
import { randomUUID } from 'node:crypto';

import { setPassword } from '../credentials.ts';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized, USER_DOES_NOT_EXIST } from '../errors.ts';
import { hashRefreshToken } from '../identifiers.ts';
import { requireClient, requirePool, requireString } from '../input.ts';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { TOKEN_LIFETIME_SECONDS } from '../tokens.ts';
import { groupsOf } from '../users.ts';
import { checkSignInAllowed, completeSignIn, nowSeconds, recordFailedSignIn, requireAuthParameter, startSession } from './sign-in-steps.ts';
import { answerPasswordVerifier, startSrpSignIn } from './srp-sign-in.ts';

const AUTH_FLOWS = [
  'USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH',
];

// Hashed on first use, so that a sign-in for an unknown user costs as much as one with a wrong password.
let decoyHash: Promise<string> | undefined;

export async function initiateAuth(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const flow = requireAuthFlow(input);
  const parameters = (input.AuthParameters ?? {}) as Record<string, unknown>;

  if (flow === 'ADMIN_USER_PASSWORD_AUTH' || flow === 'ADMIN_NO_SRP_AUTH') throw invalidParameter('Initiate Auth method not supported.');
  if (flow === 'USER_PASSWORD_AUTH') return signInWithPassword(context, parameters);
  if (flow === 'USER_SRP_AUTH') return startSrpSignIn(context, parameters);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshTokens(context, parameters);

  // NOTE: custom and choice-based flows are not served locally, so clients must use USER_PASSWORD_AUTH or USER_SRP_AUTH.
  throw invalidParameter(`${flow} flow not enabled for this client`);
}

/**
 * Signs in from a trusted server with the password (ADMIN_USER_PASSWORD_AUTH,
 * or its older name ADMIN_NO_SRP_AUTH) or a refresh token.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
 */
export async function adminInitiateAuth(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  requireClient(context, input);
  const flow = requireAuthFlow(input);
  const parameters = (input.AuthParameters ?? {}) as Record<string, unknown>;

  if (flow === 'ADMIN_USER_PASSWORD_AUTH' || flow === 'ADMIN_NO_SRP_AUTH') return signInWithPassword(context, parameters);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshTokens(context, parameters);
  throw invalidParameter('Initiate Auth method not supported.');
}

function requireAuthFlow(input: Record<string, unknown>): string {
  const flow = requireString(input, 'AuthFlow');
  if (!AUTH_FLOWS.includes(flow)) {
    throw invalidParameter(`1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${AUTH_FLOWS.join(', ')}]`);
  }
  return flow;
}

async function signInWithPassword(context: PoolContext, parameters: Record<string, unknown>) {
  const username = requireAuthParameter(parameters, 'USERNAME');
  const password = requireAuthParameter(parameters, 'PASSWORD');
  const user = context.db.selectUserByName.get(username);

  // NOTE: an unknown user gives UserNotFoundException, as an app client with PreventUserExistenceErrors LEGACY does, the API's default for a new client.
  if (!user) {
    decoyHash ??= hashPassword(randomUUID());
    await verifyPassword(password, await decoyHash);
    throw new CognitoError('UserNotFoundException', USER_DOES_NOT_EXIST);
  }
  checkSignInAllowed(context, user);

  if (!(await verifyPassword(password, user.password_hash))) {
    recordFailedSignIn(context, user);
    throw notAuthorized(INCORRECT_CREDENTIALS);
  }
  return completeSignIn(context, user);
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

/**
 * Revokes one refresh token and the access tokens issued from it. An unknown
 * token is not an error, as OAuth token revocation (RFC 7009) specifies.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
 */
export function revokeToken(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const token = requireString(input, 'Token');
  if (token.split('.').length === 3) throw new CognitoError('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked; received a JWT.');

  context.db.revokeSessionByRefreshHash.run(hashRefreshToken(token));
  return {};
}

/** @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html */
export async function respondToAuthChallenge(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const challengeName = requireString(input, 'ChallengeName');
  const responses = (input.ChallengeResponses ?? {}) as Record<string, unknown>;

  if (challengeName === 'PASSWORD_VERIFIER') return answerPasswordVerifier(context, responses);
  if (challengeName === 'NEW_PASSWORD_REQUIRED') return answerNewPasswordChallenge(context, requireString(input, 'Session'), responses);
  throw invalidParameter(`${challengeName} is not a challenge of this session. The local pool serves PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED.`);
}

async function answerNewPasswordChallenge(context: PoolContext, sessionId: string, responses: Record<string, unknown>) {
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
  await setPassword(context, user, newPassword, 'CONFIRMED');
  context.challengeSessions.delete(sessionId);

  const confirmed = context.db.selectUserBySub.get(user.sub)!;
  return { ChallengeParameters: {}, AuthenticationResult: await startSession(context, confirmed) };
}
