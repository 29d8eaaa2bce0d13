/**
 * The stored forms of a password: a scrypt hash for USER_PASSWORD_AUTH and
 * an SRP verifier for USER_SRP_AUTH, both derived when the password is set.
 */
import { hashPassword } from './passwords.ts';
import type { PoolContext } from './pool-context.ts';
import { createVerifier } from './srp.ts';

export interface StoredCredentials {
  readonly passwordHash: string;
  /** JSON of the SRP salt and verifier. */
  readonly srpVerifier: string;
}

/** Derives the stored forms of a new password; `username` is the user's name as stored. */
export async function deriveCredentials(context: PoolContext, username: string, password: string): Promise<StoredCredentials> {
  return {
    passwordHash: await hashPassword(password),
    srpVerifier: JSON.stringify(createVerifier(srpPoolName(context.poolId), username, password)),
  };
}

/** Returns the pool name in SRP messages: the pool id after the region and `_`, as clients compute it. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf('_') + 1);
}

/** Stores a new password for a user and sets the status that follows from it. */
export async function setPassword(context: PoolContext, user: { readonly sub: string; readonly username: string }, password: string, status: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'UNCONFIRMED' | 'RESET_REQUIRED'): Promise<void> {
  const credentials = await deriveCredentials(context, user.username, password);
  context.db.updatePassword.run(credentials.passwordHash, credentials.srpVerifier, status, context.now(), user.sub);
}
