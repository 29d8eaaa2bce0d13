/**
 * Auth benchmark: sign-ins per second through the AWS SDK against the local
 * user pool, and JWT verifications per second in the gateway's authorizer,
 * with and without its cache of verified tokens.
 *
 * Run alone with `npx tsx bench/auth.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { AdminConfirmSignUpCommand, CognitoIdentityProviderClient, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { COGNITO_PATH_PREFIX, createJwtAuthorizer, createUserPoolHandler, LocalUserPool } from '../packages/strato/src/local/auth/index.ts';
import type { AuthModel } from '../packages/strato/src/model/index.ts';

const AUTH: AuthModel = {
  physicalName: 'bench-users',
  passwordPolicy: { minimumLength: 8, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true },
  groups: ['admins'],
};
const PASSWORD = 'Bench-Passw0rd!';
const SIGN_INS = 100;
const SIGN_IN_CONCURRENCY = 8;
const DISTINCT_TOKENS = 1_000;
const CACHED_CHECKS = 200_000;

export async function run(): Promise<string[]> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'strato-bench-auth-'));
  const pool = await LocalUserPool.open({ auth: AUTH, stateDir });
  const server = createServer(createUserPoolHandler(pool));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pool.setEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}${COGNITO_PATH_PREFIX}`);
  const client = new CognitoIdentityProviderClient({
    endpoint: pool.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  try {
    await client.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'bench', Password: PASSWORD }));
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: 'bench' }));
    const signIn = () => client.send(new InitiateAuthCommand({
      ClientId: pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bench', PASSWORD },
    }));

    const lines = [`auth: ${availableParallelism()} cores, Node ${process.version}; passwords hashed with scrypt N=16384 r=8 p=1 on libuv's ${process.env.UV_THREADPOOL_SIZE ?? 4} threads`];
    lines.push(await measureSignIns(signIn, 1));
    lines.push(await measureSignIns(signIn, SIGN_IN_CONCURRENCY));
    lines.push(...(await measureVerifications(pool, signIn)));
    return lines;
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    pool.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Signs in `SIGN_INS` times with `concurrency` requests in flight; each sign-in runs one scrypt and signs two RS256 tokens. */
async function measureSignIns(signIn: () => Promise<unknown>, concurrency: number): Promise<string> {
  await signIn();
  let remaining = SIGN_INS;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (remaining > 0) {
      remaining -= 1;
      await signIn();
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return `  sign-ins (USER_PASSWORD_AUTH through the SDK), ${concurrency} in flight: ${rate(SIGN_INS / seconds)}/s, ${((seconds * 1000 * concurrency) / SIGN_INS).toFixed(1)} ms mean latency`;
}

/**
 * Verifies distinct tokens once each (an RS256 signature check each), then
 * the same tokens again many times (served from the authorizer's cache).
 */
async function measureVerifications(pool: LocalUserPool, signIn: () => Promise<{ AuthenticationResult?: { AccessToken?: string; RefreshToken?: string } }>): Promise<string[]> {
  const route = { auth: { scopes: [] } };
  const { RefreshToken } = (await signIn()).AuthenticationResult!;

  // Refreshing gives distinct tokens without a password hash each.
  const tokens: string[] = [];
  for (let index = 0; index < DISTINCT_TOKENS; index += 1) {
    const output = await pool.call('InitiateAuth', { ClientId: pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: RefreshToken } });
    tokens.push((output as { AuthenticationResult: { AccessToken: string } }).AuthenticationResult.AccessToken);
  }

  const authorizer = createJwtAuthorizer(pool);
  const coldStarted = performance.now();
  for (const token of tokens) {
    const result = await authorizer.authorize(route, { authorization: `Bearer ${token}` });
    if (!result.ok) throw new Error('The authorizer rejected a token of the benchmark pool.');
  }
  const coldSeconds = (performance.now() - coldStarted) / 1000;

  const hotStarted = performance.now();
  for (let index = 0; index < CACHED_CHECKS; index += 1) await authorizer.authorize(route, { authorization: `Bearer ${tokens[index % tokens.length]}` });
  const hotSeconds = (performance.now() - hotStarted) / 1000;

  return [
    `  token verifications, RS256 signature checked: ${rate(DISTINCT_TOKENS / coldSeconds)}/s`,
    `  token verifications, served from the cache of verified tokens: ${rate(CACHED_CHECKS / hotSeconds)}/s`,
  ];
}

function rate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await run()) console.log(line);
}
