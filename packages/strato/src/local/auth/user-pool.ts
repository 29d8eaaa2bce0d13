/**
 * The local user pool: one Cognito user pool with one app client, stored in
 * SQLite under the state folder so that users, keys and ids survive restarts.
 */
import type { JSONWebKeySet } from 'jose';

import type { AuthModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { UserPoolDatabase, type MessageRow } from './database.ts';
import { CognitoError } from './errors.ts';
import { newClientId, newUserPoolId } from './identifiers.ts';
import { OPERATIONS } from './operations/index.ts';
import type { PoolContext } from './pool-context.ts';
import { loadSigningKey } from './signing-keys.ts';
import { TokenService, type TokenAudience } from './tokens.ts';

/** The path under which the gateway serves the user-pool API, the JWKS and the captured messages. */
export const COGNITO_PATH_PREFIX = '/_strato/cognito';

export interface UserPoolOptions {
  readonly auth: AuthModel;
  /** Folder for the pool's database; created when missing. */
  readonly stateDir: string;
  /**
   * Region in the pool id (`us-east-1_…`), fixed when the pool is first created.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * URL that clients reach the pool at, such as `http://127.0.0.1:3000/_strato/cognito`.
   * Token issuers are this URL followed by `/<poolId>`. `setEndpoint` changes it once the port is known.
   * @default 'http://localhost/_strato/cognito'
   */
  readonly endpoint?: string;
  readonly logger?: Logger;
  /** Clock in epoch milliseconds; tests pass one to make tokens and codes that have expired. */
  readonly now?: () => number;
}

/** A message that Cognito would have e-mailed, as the messages endpoint lists it. */
export interface CapturedMessage {
  readonly username: string;
  /** `sign-up`, `forgot-password`, `verify-email` or `invitation`. */
  readonly kind: string;
  readonly destination: string | null;
  /** The code in the message; `null` for an invitation, whose temporary password is never kept. */
  readonly code: string | null;
  /** ISO 8601 time the message was captured. */
  readonly createdAt: string;
}

export class LocalUserPool {
  readonly poolId: string;
  readonly clientId: string;
  readonly jwks: JSONWebKeySet;
  readonly #db: UserPoolDatabase;
  #context: PoolContext;
  #endpoint: string;
  #issuer: string;

  private constructor(db: UserPoolDatabase, context: PoolContext, jwks: JSONWebKeySet, endpoint: string) {
    this.#db = db;
    this.#context = context;
    this.poolId = context.poolId;
    this.clientId = context.clientId;
    this.jwks = jwks;
    this.#endpoint = endpoint;
    this.#issuer = `${endpoint}/${this.poolId}`;
  }

  /** Opens the pool in `stateDir`, creating its ids and signing key on first use. */
  static async open(options: UserPoolOptions): Promise<LocalUserPool> {
    const db = new UserPoolDatabase(options.stateDir);
    try {
      const poolId = loadSetting(db, 'pool_id', () => newUserPoolId(options.region ?? 'us-east-1'));
      const clientId = loadSetting(db, 'client_id', newClientId);
      const key = await loadSigningKey(db);

      let pool: LocalUserPool | undefined;
      const context: PoolContext = {
        db,
        poolId,
        clientId,
        policy: options.auth.passwordPolicy,
        groups: new Set(options.auth.groups),
        tokens: new TokenService(key),
        logger: options.logger ?? silentLogger,
        challengeSessions: new Map(),
        srpExchanges: new Map(),
        audience: () => pool!.audience,
        now: options.now ?? Date.now,
      };
      pool = new LocalUserPool(db, context, key.jwks, trimSlash(options.endpoint ?? `http://localhost${COGNITO_PATH_PREFIX}`));
      return pool;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The URL the AWS SDK takes as `endpoint`. */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** The `iss` of every token: the endpoint and the pool id, as Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  get issuer(): string {
    return this.#issuer;
  }

  get audience(): TokenAudience {
    return { issuer: this.issuer, clientId: this.clientId };
  }

  /** Applies a changed password policy and group list, as after `strato.config.ts` changed. */
  setModel(auth: AuthModel): void {
    this.#context = { ...this.#context, policy: auth.passwordPolicy, groups: new Set(auth.groups) };
  }

  /** Sets the URL clients reach the pool at; tokens issued earlier keep their old issuer and stop passing the authorizer. */
  setEndpoint(endpoint: string): void {
    this.#endpoint = trimSlash(endpoint);
    this.#issuer = `${this.#endpoint}/${this.poolId}`;
  }

  /**
   * Runs one operation of the user-pool API with its JSON input. Rejects with
   * a `CognitoError` carrying Cognito's error name and message.
   */
  async call(operation: string, input: Record<string, unknown>): Promise<object> {
    const run = OPERATIONS.get(operation);
    if (!run) throw new CognitoError('UnknownOperationException', `Operation ${operation} is not served by the local user pool. Served: ${[...OPERATIONS.keys()].join(', ')}.`);
    return run(this.#context, input);
  }

  /** Messages that would have been e-mailed, oldest first, all or those of one user. */
  messages(username?: string): CapturedMessage[] {
    const rows = username === undefined ? this.#db.selectMessages.all() : this.#db.selectMessagesOf.all(username);
    return rows.map(toCapturedMessage);
  }

  close(): void {
    this.#db.close();
  }
}

function loadSetting(db: UserPoolDatabase, name: string, create: () => string): string {
  db.insertSetting.run(name, create());
  return db.selectSetting.get(name)!.value;
}

function toCapturedMessage(row: MessageRow): CapturedMessage {
  return { username: row.username, kind: row.kind, destination: row.destination, code: row.code, createdAt: new Date(row.created_at).toISOString() };
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
