/**
 * Reading request members, with Cognito's errors for absent or mistyped ones.
 */
import { CognitoError, invalidParameter, missingMember } from './errors.ts';
import type { PoolContext } from './pool-context.ts';

export function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (value === undefined || value === null) throw missingMember(member);
  if (typeof value !== 'string') throw invalidParameter(`${member} must be a string, received ${JSON.stringify(value)}.`);
  if (value === '') throw invalidParameter(`${member} must not be empty.`);
  return value;
}

export function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  return input[member] === undefined || input[member] === null ? undefined : requireString(input, member);
}

/** Checks `ClientId` against the pool's one app client. */
export function requireClient(context: PoolContext, input: Record<string, unknown>): void {
  const clientId = requireString(input, 'ClientId');
  if (clientId !== context.clientId) throw new CognitoError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
}

/** Checks `UserPoolId` of an admin operation against the pool's id. */
export function requirePool(context: PoolContext, input: Record<string, unknown>): void {
  const poolId = requireString(input, 'UserPoolId');
  if (poolId !== context.poolId) throw new CognitoError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
}
