/**
 * The auth block of the local cloud in one piece: the user pool, the
 * gateway mount that serves it, and the JWT authorizer for routes with `auth`.
 */
import type { AuthModel } from '../../model/index.ts';
import type { Logger } from '../../observe/logger.ts';
import { createJwtAuthorizer, type JwtAuthorizer } from './authorizer.ts';
import { createUserPoolHandler, type RequestHandler } from './http-handler.ts';
import { COGNITO_PATH_PREFIX, LocalUserPool } from './user-pool.ts';

export interface LocalAuthOptions {
  readonly auth: AuthModel;
  /** Folder for the pool's database, such as `.strato/auth`. */
  readonly stateDir: string;
  readonly logger?: Logger;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export interface LocalAuth {
  readonly pool: LocalUserPool;
  readonly authorizer: JwtAuthorizer;
  /** A gateway mount for the user-pool API, the JWKS and the captured messages. */
  readonly mount: { readonly prefix: string; readonly handle: RequestHandler };
  /**
   * Sets the gateway's base URL, such as `http://127.0.0.1:3000`, once it
   * listens. The SDK endpoint and the token issuer follow from it.
   */
  attach(gatewayUrl: string): void;
  close(): void;
}

/** Opens the user pool in `stateDir` and builds its mount and authorizer. */
export async function openLocalAuth(options: LocalAuthOptions): Promise<LocalAuth> {
  const pool = await LocalUserPool.open({ auth: options.auth, stateDir: options.stateDir, logger: options.logger, region: options.region });
  return {
    pool,
    authorizer: createJwtAuthorizer(pool),
    mount: { prefix: COGNITO_PATH_PREFIX, handle: createUserPoolHandler(pool, options.logger) },
    attach: (gatewayUrl) => pool.setEndpoint(`${gatewayUrl.replace(/\/$/, '')}${COGNITO_PATH_PREFIX}`),
    close: () => pool.close(),
  };
}
