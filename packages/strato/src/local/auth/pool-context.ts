/**
 * The state every user-pool operation works with: the database, the pool's
 * identity and policy, the token service and the clock.
 */
import type { Logger } from '../../observe/logger.ts';
import type { UserPoolDatabase } from './database.ts';
import type { PasswordPolicy } from './passwords.ts';
import type { SrpExchange } from './srp.ts';
import type { TokenAudience, TokenService } from './tokens.ts';

export interface PoolContext {
  readonly db: UserPoolDatabase;
  readonly poolId: string;
  readonly clientId: string;
  readonly policy: PasswordPolicy;
  /** Groups the application declares; only these can take members. */
  readonly groups: ReadonlySet<string>;
  readonly tokens: TokenService;
  readonly logger: Logger;
  /** Open NEW_PASSWORD_REQUIRED challenges by session string, kept in memory because they last three minutes. */
  readonly challengeSessions: Map<string, { readonly sub: string; readonly expiresAt: number }>;
  /** Open SRP exchanges by secret block, between InitiateAuth and the PASSWORD_VERIFIER answer. */
  readonly srpExchanges: Map<string, { readonly sub: string; readonly exchange: SrpExchange; readonly expiresAt: number }>;
  /** The issuer and client that tokens name; the issuer follows the endpoint URL. */
  audience(): TokenAudience;
  /** Epoch milliseconds. */
  now(): number;
}

export type Operation = (context: PoolContext, input: Record<string, unknown>) => Promise<object> | object;
