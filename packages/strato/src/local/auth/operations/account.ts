/**
 * Operations a signed-in user calls on their own account with an access
 * token: GetUser, UpdateUserAttributes, VerifyUserAttribute, ChangePassword,
 * GlobalSignOut and DeleteUser.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
 */
import { consumeCode, sendCode } from '../codes.ts';
import type { UserRow } from '../database.ts';
import { CognitoError, INCORRECT_CREDENTIALS, invalidParameter, notAuthorized, USER_DOES_NOT_EXIST } from '../errors.ts';
import { requireString } from '../input.ts';
import { setPassword } from '../credentials.ts';
import { checkPasswordPolicy, verifyPassword } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { attributeList, parseAttributeList, readAttributes } from '../users.ts';

/**
 * Returns the user an access token belongs to. The token must be valid, the
 * user must exist and be enabled, and the token's session must not be signed out.
 */
async function authenticate(context: PoolContext, input: Record<string, unknown>): Promise<UserRow> {
  const token = requireString(input, 'AccessToken');
  const claims = await context.tokens.verifyAccessToken(token, context.audience(), Math.floor(context.now() / 1000));

  const user = context.db.selectUserBySub.get(claims.sub);
  if (!user) throw new CognitoError('UserNotFoundException', USER_DOES_NOT_EXIST);
  if (user.enabled !== 1) throw notAuthorized('User is disabled.');

  const session = context.db.selectSession.get(claims.origin_jti);
  if (!session || session.revoked === 1) throw notAuthorized('Access Token has been revoked');
  return user;
}

export async function getUser(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  return { Username: user.username, UserAttributes: attributeList(user) };
}

/**
 * Updates attributes. A new e-mail address is unverified until the user
 * enters the code sent to it (VerifyUserAttribute).
 */
export async function updateUserAttributes(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  if (input.UserAttributes === undefined || input.UserAttributes === null) throw invalidParameter("1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null");
  const changes = parseAttributeList(input.UserAttributes, 'UserAttributes', { admin: false });

  const current = readAttributes(user);
  const emailChanged = changes.email !== undefined && changes.email !== current.email;
  const updated = { ...current, ...changes, ...(emailChanged && { email_verified: 'false' }) };
  context.db.updateAttributes.run(JSON.stringify(updated), context.now(), user.sub);

  if (!emailChanged) return { CodeDeliveryDetailsList: [] };
  const delivery = sendCode(context, user, 'verify-email', changes.email);
  return { CodeDeliveryDetailsList: delivery ? [delivery] : [] };
}

/** Sends a new code to verify the user's e-mail address. */
export async function getUserAttributeVerificationCode(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  const attributeName = requireString(input, 'AttributeName');
  if (attributeName !== 'email') throw invalidParameter(`Only the email attribute can be verified locally, received ${attributeName}.`);
  if (readAttributes(user).email === undefined) throw invalidParameter('The user has no email attribute to verify.');

  return { CodeDeliveryDetails: sendCode(context, user, 'verify-email') };
}

export async function verifyUserAttribute(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  const attributeName = requireString(input, 'AttributeName');
  const code = requireString(input, 'Code');
  if (attributeName !== 'email') throw invalidParameter(`Only the email attribute can be verified locally, received ${attributeName}.`);

  consumeCode(context, user, 'verify-email', code);
  context.db.updateAttributes.run(JSON.stringify({ ...readAttributes(user), email_verified: 'true' }), context.now(), user.sub);
  return {};
}

export async function changePassword(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  const previous = requireString(input, 'PreviousPassword');
  const proposed = requireString(input, 'ProposedPassword');
  checkPasswordPolicy(proposed, context.policy);

  if (!(await verifyPassword(previous, user.password_hash))) throw notAuthorized(INCORRECT_CREDENTIALS);
  await setPassword(context, user, proposed, user.status);
  return {};
}

/**
 * Signs the user out of every session: refresh tokens stop working, and so do
 * access tokens with the user-pool API. ID and access tokens stay valid for a
 * JWT authorizer until they expire, as on AWS, because it does not ask Cognito.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
 */
export async function globalSignOut(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  context.db.revokeSessions.run(user.sub);
  return {};
}

/** Deletes the signed-in user's own account. */
export async function deleteUser(context: PoolContext, input: Record<string, unknown>) {
  const user = await authenticate(context, input);
  context.db.deleteUser.run(user.sub);
  return {};
}
