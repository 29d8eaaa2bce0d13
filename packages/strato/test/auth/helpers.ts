/**
 * A local user pool served over HTTP on 127.0.0.1, with the real AWS SDK
 * client pointed at it, for the auth tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { COGNITO_PATH_PREFIX, createUserPoolHandler, LocalUserPool } from '../../src/local/auth/index.ts';
import type { AuthModel } from '../../src/model/index.ts';
import { createLogger } from '../../src/observe/logger.ts';

export const PASSWORD = 'Corr3ct-Horse!';

export const AUTH_MODEL: AuthModel = {
  physicalName: 'photos-users',
  passwordPolicy: { minimumLength: 8, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true },
  groups: ['admins', 'editors'],
};

export interface PoolFixture {
  readonly pool: LocalUserPool;
  readonly client: CognitoIdentityProviderClient;
  readonly stateDir: string;
  readonly logLines: string[];
  /** Closes the server and the pool; keeps the state folder when `keepState` is set. */
  close(options?: { keepState?: boolean }): Promise<void>;
}

export interface PoolFixtureOptions {
  readonly stateDir?: string;
  readonly now?: () => number;
  readonly auth?: AuthModel;
}

export async function startPool(options: PoolFixtureOptions = {}): Promise<PoolFixture> {
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'strato-auth-'));
  const logLines: string[] = [];
  const logger = createLogger({ sink: (line) => logLines.push(line) });
  const pool = await LocalUserPool.open({ auth: options.auth ?? AUTH_MODEL, stateDir, logger, now: options.now });

  const server = createServer(createUserPoolHandler(pool, logger));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  pool.setEndpoint(`http://127.0.0.1:${port}${COGNITO_PATH_PREFIX}`);

  // Admin calls are signed, so the SDK needs credentials; the local pool accepts any.
  const client = new CognitoIdentityProviderClient({
    endpoint: pool.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

  return {
    pool,
    client,
    stateDir,
    logLines,
    async close({ keepState = false } = {}) {
      client.destroy();
      await closeServer(server);
      pool.close();
      if (!keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Returns the latest captured code of one kind for a user. */
export function latestCode(pool: LocalUserPool, username: string, kind = 'sign-up'): string {
  const messages = pool.messages(username).filter((message) => message.kind === kind);
  const code = messages.at(-1)?.code;
  if (!code) throw new Error(`No ${kind} code was captured for ${username}.`);
  return code;
}

/** Signs up a user with an e-mail address and confirms them with the captured code. */
export async function createConfirmedUser(fixture: PoolFixture, username: string, password = PASSWORD): Promise<void> {
  const { pool, client } = fixture;
  await client.send(new SignUpCommand({ ClientId: pool.clientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));
  await client.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: username, ConfirmationCode: latestCode(pool, username) }));
}

export async function signIn(fixture: PoolFixture, username: string, password = PASSWORD) {
  const { pool, client } = fixture;
  const output = await client.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
  return output.AuthenticationResult!;
}

/** Decodes the payload of a JWT without verifying it. */
export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Returns the error an SDK call rejects with, for asserting its name and message. */
export async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}
