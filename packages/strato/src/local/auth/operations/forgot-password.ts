/**
 * ForgotPassword and ConfirmForgotPassword.
 * @see https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgotPassword.html
 */
import { consumeCode, sendCode } from '../codes.ts';
import { invalidParameter, notAuthorized } from '../errors.ts';
import { requireClient, requireString } from '../input.ts';
import { setPassword } from '../credentials.ts';
import { checkPasswordPolicy } from '../passwords.ts';
import type { PoolContext } from '../pool-context.ts';
import { findUserForClient, readAttributes } from '../users.ts';

export function forgotPassword(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const user = findUserForClient(context, requireString(input, 'Username'));
  if (user.enabled !== 1) throw notAuthorized('User is disabled.');

  // The code can only go to an address the user has proved is theirs.
  const attributes = readAttributes(user);
  if (attributes.email === undefined || attributes.email_verified !== 'true') {
    throw invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  }
  return { CodeDeliveryDetails: sendCode(context, user, 'forgot-password') };
}

export async function confirmForgotPassword(context: PoolContext, input: Record<string, unknown>) {
  requireClient(context, input);
  const user = findUserForClient(context, requireString(input, 'Username'));
  const code = requireString(input, 'ConfirmationCode');
  const password = requireString(input, 'Password');
  checkPasswordPolicy(password, context.policy);

  consumeCode(context, user, 'forgot-password', code);
  await setPassword(context, user, password, 'CONFIRMED');
  return {};
}
