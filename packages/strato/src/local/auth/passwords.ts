/**
 * Password hashing with scrypt, and the pool's password policy.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

import type { AuthModel } from '../../model/index.ts';
import { CognitoError, invalidParameter } from './errors.ts';

export type PasswordPolicy = AuthModel['passwordPolicy'];

// N = 2^14, r = 8, p = 1 (16 MiB a hash) are the parameters scrypt's author
// gave for interactive logins, at tens of milliseconds a hash. NOTE: the
// OWASP password storage cheat sheet asks for N = 2^17 in production; the
// local pool keeps the lighter cost so that sign-ins and tests stay fast.
const SCRYPT_OPTIONS: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_PASSWORD_LENGTH = 256;

function deriveKey(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$key`, with base64 salt and key, so the cost can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await deriveKey(password, salt, SCRYPT_OPTIONS);
  const { N, r, p } = SCRYPT_OPTIONS;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;

  const expected = Buffer.from(key, 'base64');
  const options = { N: Number(N), r: Number(r), p: Number(p), maxmem: SCRYPT_OPTIONS.maxmem };
  const actual = await deriveKey(password, Buffer.from(salt, 'base64'), options);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// The characters Cognito counts as symbols.
// @see https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/**
 * Throws InvalidPasswordException with Cognito's reason when the password
 * breaks the policy, checking the rules in Cognito's order.
 */
export function checkPasswordPolicy(password: string, policy: PasswordPolicy): void {
  // The API caps every password member at 256 characters, before any policy applies.
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw invalidParameter(`1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PASSWORD_LENGTH}`);
  }
  const reason = policyViolation(password, policy);
  if (reason) throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: ${reason}`);
}

function policyViolation(password: string, policy: PasswordPolicy): string | undefined {
  if ([...password].length < policy.minimumLength) return 'Password not long enough';
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.requireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.requireSymbols && ![...password].some((char) => SYMBOLS.has(char))) return 'Password must have symbol characters';
  return undefined;
}

/** Generates a temporary password that meets the policy, as AdminCreateUser does when none is given. */
export function generateTemporaryPassword(policy: PasswordPolicy): string {
  const length = Math.max(policy.minimumLength, 12);
  const body = randomBytes(length).toString('base64url').slice(0, length - 4);
  // One character of each class keeps any policy satisfied.
  return `${body}aA1!`;
}
