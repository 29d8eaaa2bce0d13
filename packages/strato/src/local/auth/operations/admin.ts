/**
 * The admin operations that tests and set-up scripts need. Locally they
 * accept any credentials.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 */
import { CognitoError, invalidParameter, notAuthorized } from '../errors.ts';
import { optionalString, requirePool, requireString } from '../input.ts';
import { setPassword } from '../credentials.ts';
import { checkPasswordPolicy, generateTemporaryPassword } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { findUserForAdmin, parseAttributeList, readAttributes, toUserType } from '../users.ts';
import { insertUser, requireUsername } from './sign-up.ts';

/**
 * Creates a user in FORCE_CHANGE_PASSWORD status: their first sign-in gets
 * the NEW_PASSWORD_REQUIRED challenge.
 */
export async function adminCreateUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const username = requireUsername(input);
  const attributes = parseAttributeList(input.UserAttributes, 'UserAttributes', { admin: true });
  const messageAction = optionalString(input, 'MessageAction');
  // NOTE: MessageAction RESEND, which resets an existing user's temporary password, is not served locally.
  if (messageAction !== undefined && messageAction !== 'SUPPRESS') {
    throw invalidParameter(`MessageAction ${messageAction} is not supported locally; leave it out or pass SUPPRESS.`);
  }

  const temporaryPassword = optionalString(input, 'TemporaryPassword') ?? generateTemporaryPassword(context.policy);
  checkPasswordPolicy(temporaryPassword, context.policy);
  const user = await insertUser(context, { username, password: temporaryPassword, attributes, status: 'FORCE_CHANGE_PASSWORD' }, 'User account already exists');

  // The invitation would carry the temporary password; only the fact that it was sent is kept.
  if (messageAction === undefined) {
    context.db.insertMessage.run(user.username, 'invitation', attributes.email ?? null, null, context.now());
    context.logger.info('Invitation for %s: sent with a temporary password, which is not logged', user.username);
  }
  return { User: toUserType(user) };
}

export function adminConfirmSignUp(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);

  context.db.updateStatus.run('CONFIRMED', context.now(), user.sub);
  return {};
}

export function adminAddUserToGroup(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  const groupName = requireString(input, 'GroupName');
  if (!context.groups.has(groupName)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');

  context.db.insertGroupMember.run(user.sub, groupName);
  return {};
}

export function adminGetUser(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  return toUserType(user, 'UserAttributes');
}

/** Sets a password; `Permanent: true` confirms the user, otherwise the password is temporary. */
export async function adminSetUserPassword(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  const password = requireString(input, 'Password');
  checkPasswordPolicy(password, context.policy);

  const status = input.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  await setPassword(context, user, password, status);
  return {};
}

/** Updates attributes, including the `*_verified` ones that an app client may not write. */
export function adminUpdateUserAttributes(context: PoolContext, input: Record<string, unknown>) {
  requirePool(context, input);
  const user = findUserForAdmin(context, requireString(input, 'Username'));
  const changes = parseAttributeList(input.UserAttributes, 'UserAttributes', { admin: true });
  context.db.updateAttributes.run(JSON.stringify({ ...readAttributes(user), ...changes }), context.now(), user.sub);
  return {};
}
