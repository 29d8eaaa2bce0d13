/**
 * Identifiers in the forms Cognito gives them, made from a cryptographic
 * random source.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomText(alphabet: string, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/** Creates a user pool id: the region, `_` and nine letters or digits, such as `us-east-1_aB3dE5fG7`. */
export function newUserPoolId(region: string): string {
  return `${region}_${randomText(ALPHANUMERIC, 9)}`;
}

/** Creates an app client id: 26 lower-case letters or digits. */
export function newClientId(): string {
  return randomText(LOWER_ALPHANUMERIC, 26);
}

/** Creates a confirmation or reset code of six decimal digits, as in Cognito's default messages. */
export function newCode(): string {
  return String(randomInt(1_000_000)).padStart(6, '0');
}

/** Creates an opaque refresh token. Only its hash is stored, so a copy of the database signs no one in. */
export function newRefreshToken(): string {
  return randomBytes(48).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
