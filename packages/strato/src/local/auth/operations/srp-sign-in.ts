/**
 * Sign-in with USER_SRP_AUTH: InitiateAuth with the client's `SRP_A` returns
 * the PASSWORD_VERIFIER challenge, and RespondToAuthChallenge with the
 * client's password claim signs the user in.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
 */
import { randomBytes } from 'node:crypto';

import { srpPoolName } from '../credentials.ts';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized, USER_DOES_NOT_EXIST } from '../errors.ts';
import type { PoolContext } from '../pool-context.ts';
import { serverPublicHex, startExchange, verifyPasswordClaim, type SrpVerifier } from '../srp.ts';
import { CHALLENGE_SESSION_MS, checkSignInAllowed, completeSignIn, recordFailedSignIn, requireAuthParameter, sweepExpired } from './sign-in-steps.ts';

export function startSrpSignIn(context: PoolContext, parameters: Record<string, unknown>) {
  const username = requireAuthParameter(parameters, 'USERNAME');
  const clientPublic = requireAuthParameter(parameters, 'SRP_A');
  const user = context.db.selectUserByName.get(username);

  // NOTE: an unknown user gives UserNotFoundException, as an app client with PreventUserExistenceErrors LEGACY does, the API's default for a new client.
  if (!user) throw new CognitoError('UserNotFoundException', USER_DOES_NOT_EXIST);
  checkSignInAllowed(context, user);
  if (user.srp_verifier === null) throw notAuthorized(INCORRECT_CREDENTIALS);

  const stored = JSON.parse(user.srp_verifier) as SrpVerifier;
  const exchange = startExchange(clientPublic, stored);
  if (!exchange) throw invalidParameter('SRP_A must be a hexadecimal number that is not a multiple of N.');

  // The secret block identifies this exchange when the client responds.
  const secretBlock = randomBytes(64).toString('base64');
  sweepExpired(context.srpExchanges, context.now());
  context.srpExchanges.set(secretBlock, { sub: user.sub, exchange, expiresAt: context.now() + CHALLENGE_SESSION_MS });
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: stored.salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: serverPublicHex(exchange),
      USERNAME: user.username,
      USER_ID_FOR_SRP: user.username,
    },
  };
}

/** Checks the PASSWORD_VERIFIER response. A wrong claim counts as a failed sign-in. */
export async function answerPasswordVerifier(context: PoolContext, responses: Record<string, unknown>) {
  const secretBlock = requireAuthParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = requireAuthParameter(responses, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = requireAuthParameter(responses, 'TIMESTAMP');
  requireAuthParameter(responses, 'USERNAME');

  const pending = context.srpExchanges.get(secretBlock);
  context.srpExchanges.delete(secretBlock);
  if (!pending || pending.expiresAt <= context.now()) throw notAuthorized('Invalid session for the user, session is expired.');

  const user = context.db.selectUserBySub.get(pending.sub);
  if (!user || user.srp_verifier === null) throw notAuthorized(INCORRECT_CREDENTIALS);
  checkSignInAllowed(context, user);

  // NOTE: the timestamp is signed but not compared with the clock.
  const claim = { poolName: srpPoolName(context.poolId), userId: user.username, secretBlock, timestamp, signature };
  if (!verifyPasswordClaim(pending.exchange, JSON.parse(user.srp_verifier) as SrpVerifier, claim)) {
    recordFailedSignIn(context, user);
    throw notAuthorized(INCORRECT_CREDENTIALS);
  }
  return completeSignIn(context, user);
}
