/**
 * SignUp, ConfirmSignUp and ResendConfirmationCode.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html
 */
import { randomUUID } from 'node:crypto';

import { consumeCode, sendCode } from '../codes.ts';
import type { UserRow, UserStatus } from '../database.ts';
import { CognitoError, invalidParameter, notAuthorized } from '../errors.ts';
import { requireClient, requireString } from '../input.ts';
import { deriveCredentials } from '../credentials.ts';
import { checkPasswordPolicy } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { findUserForClient, parseAttributeList, readAttributes } from '../users.ts';

// Cognito's constraint on `Username`: 1 to 128 letters, marks, symbols,
// digits or punctuation, so no whitespace.
const USERNAME_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export async function signUp(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const username = requireUsername(input);
  const password = requireString(input, 'Password');
  const attributes = parseAttributeList(input.UserAttributes, 'UserAttributes', { admin: false });
  checkPasswordPolicy(password, context.policy);

  const user = await insertUser(context, { username, password, attributes, status: 'UNCONFIRMED' }, 'User already exists');
  const delivery = sendCode(context, user, 'sign-up');
  return { UserConfirmed: false, UserSub: user.sub, ...(delivery && { CodeDeliveryDetails: delivery }) };
}

export function confirmSignUp(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const user = findUserForClient(context, requireString(input, 'Username'));
  const code = requireString(input, 'ConfirmationCode');
  if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);

  consumeCode(context, user, 'sign-up', code);

  // The code went to the e-mail address, so confirming it also verifies the address.
  const attributes = readAttributes(user);
  context.db.transaction(() => {
    if (attributes.email !== undefined) {
      context.db.updateAttributes.run(JSON.stringify({ ...attributes, email_verified: 'true' }), context.now(), user.sub);
    }
    context.db.updateStatus.run('CONFIRMED', context.now(), user.sub);
  });
  return {};
}

export function resendConfirmationCode(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const user = findUserForClient(context, requireString(input, 'Username'));
  if (user.status !== 'UNCONFIRMED') throw invalidParameter('User is already confirmed.');

  const delivery = sendCode(context, user, 'sign-up');
  return delivery ? { CodeDeliveryDetails: delivery } : {};
}

export function requireUsername(input: Record<string, unknown>): string {
  const username = requireString(input, 'Username');
  if (!USERNAME_PATTERN.test(username)) {
    throw invalidParameter("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
  }
  return username;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly attributes: Record<string, string>;
  readonly status: UserStatus;
}

/** Stores a new user; a taken username gives UsernameExistsException with `existsMessage`. */
export async function insertUser(context: PoolContext, newUser: NewUser, existsMessage: string): Promise<UserRow> {
  if (context.db.selectUserByName.get(newUser.username)) throw new CognitoError('UsernameExistsException', existsMessage);

  const now = context.now();
  const credentials = await deriveCredentials(context, newUser.username, newUser.password);
  const user: UserRow = {
    sub: randomUUID(),
    username: newUser.username,
    attributes: JSON.stringify(newUser.attributes),
    status: newUser.status,
    enabled: 1,
    password_hash: credentials.passwordHash,
    srp_verifier: credentials.srpVerifier,
    failed_sign_ins: 0,
    locked_until: 0,
    created_at: now,
    updated_at: now,
  };

  try {
    const { failed_sign_ins: _failures, locked_until: _lock, ...row } = user;
    context.db.insertUser.run(row);
  } catch (error) {
    // A sign-up for the same name may have been stored while this one hashed its password.
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new CognitoError('UsernameExistsException', existsMessage);
    throw error;
  }
  return user;
}
