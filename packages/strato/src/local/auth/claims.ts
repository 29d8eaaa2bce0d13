/**
 * Claims as an HTTP API's JWT authorizer passes them to the integration in
 * `requestContext.authorizer.jwt.claims`: every value flattened to a string.
 * Observed on a live Cognito-backed HTTP API: numbers and booleans become
 * their text (`"1783001112"`, `"true"`), an array becomes its elements
 * joined by spaces inside square brackets (`"[observer technician]"`), and a
 * claim whose value is `null` is dropped.
 * @see https://github.com/floci-io/floci/issues/2011
 */
import type { JWTPayload } from 'jose';

export function flattenClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = Array.isArray(value) ? `[${value.map(flattenValue).join(' ')}]` : flattenValue(value);
  }
  return claims;
}

function flattenValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // NOTE: how API Gateway flattens an object claim is not documented or observed; it is passed as JSON text.
  return JSON.stringify(value);
}

/** Returns the scopes a token grants, from `scope` (space-separated, as Cognito writes it) or `scp` (a list or a string). */
export function tokenScopes(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((scope): scope is string => typeof scope === 'string');
  return [];
}
