/**
 * One-time codes that Cognito would e-mail: sign-up confirmation, password
 * reset and e-mail verification. Nothing is mailed locally, so each code is
 * logged as one line and kept as a message that the messages endpoint lists.
 * Passwords never appear in either.
 */
import type { CodePurpose, UserRow } from './database.ts';
import { ATTEMPT_LIMIT, CODE_EXPIRED, CODE_MISMATCH, CognitoError } from './errors.ts';
import { newCode } from './identifiers.ts';
import type { PoolContext } from './pool-context.ts';
import { readAttributes } from './users.ts';

/**
 * How long a code stays valid: one hour for a password reset code, 24 hours
 * for a sign-up confirmation code and an attribute verification code.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html
 */
const CODE_LIFETIME_MS: Record<CodePurpose, number> = {
  'sign-up': 24 * 3600_000,
  'forgot-password': 3600_000,
  'verify-email': 24 * 3600_000,
};

/** Wrong entries of one code before it stops working and a new one is needed. */
export const CODE_ATTEMPTS = 5;

const LOG_LABEL: Record<CodePurpose, string> = {
  'sign-up': 'Verification code',
  'forgot-password': 'Password reset code',
  'verify-email': 'Verification code',
};

export interface CodeDeliveryDetails {
  readonly Destination: string;
  readonly DeliveryMedium: 'EMAIL';
  readonly AttributeName: 'email';
}

/**
 * Creates a new code for the user (replacing any earlier one of that
 * purpose), captures the message and returns the delivery details, or
 * `undefined` when the user has no e-mail address to send it to.
 */
export function sendCode(context: PoolContext, user: UserRow, purpose: CodePurpose, email = readAttributes(user).email): CodeDeliveryDetails | undefined {
  const code = newCode();
  const now = context.now();
  context.db.upsertCode.run(user.sub, purpose, code, now + CODE_LIFETIME_MS[purpose], CODE_ATTEMPTS);
  context.db.insertMessage.run(user.username, purpose, email ?? null, code, now);
  context.logger.info('%s for %s: %s', LOG_LABEL[purpose], user.username, code);

  if (email === undefined) return undefined;
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/**
 * Checks and spends a code the user entered. A wrong code costs one attempt.
 * Once no attempts are left or the code has expired, the user must request a
 * new code.
 */
export function consumeCode(context: PoolContext, user: UserRow, purpose: CodePurpose, entered: string): void {
  const stored = context.db.selectCode.get(user.sub, purpose);
  if (!stored) throw new CognitoError('ExpiredCodeException', CODE_EXPIRED);
  if (stored.attempts_left <= 0) throw new CognitoError('LimitExceededException', ATTEMPT_LIMIT);
  if (stored.expires_at <= context.now()) {
    context.db.deleteCode.run(user.sub, purpose);
    throw new CognitoError('ExpiredCodeException', CODE_EXPIRED);
  }

  if (entered !== stored.code) {
    context.db.updateCodeAttempts.run(stored.attempts_left - 1, user.sub, purpose);
    throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
  }
  context.db.deleteCode.run(user.sub, purpose);
}

/** Masks an address as Cognito shows it in `CodeDeliveryDetails`: `j***@e***`. */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return `${email.charAt(0)}***`;
  return `${email.charAt(0)}***@${email.charAt(at + 1)}***`;
}
