/**
 * Auth benchmark. It measures sign-ins per second through the AWS SDK
 * against the local user pool and JWT verifications per second in the
 * gateway's authorizer, with and without its cache of verified tokens. It
 * also compares the gateway with the authorizer on and the same route without it.
 *
 * Run alone with `npx tsx bench/auth.ts`; `run()` returns the report lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { AdminConfirmSignUpCommand, CognitoIdentityProviderClient, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { COGNITO_PATH_PREFIX, createJwtAuthorizer, createUserPoolHandler, LocalUserPool } from '../packages/strato/src/local/auth/index.ts';
import { Gateway } from '../packages/strato/src/local/gateway/index.ts';
import { resolveApp, type AuthModel } from '../packages/strato/src/model/index.ts';
import type { InvokeResult, Invoker } from '../packages/strato/src/runtime/index.ts';

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
const GATEWAY_REQUESTS = 3_000;
const GATEWAY_CONNECTIONS = 10;

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
    const verifications = await measureVerifications(pool, signIn);
    lines.push(...verifications.lines);
    lines.push(...(await measureGatewayOverhead(pool, verifications.token, stateDir)));
    return lines;
  } finally {
    client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    pool.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** Signs in `SIGN_INS` times with `concurrency` requests in flight. Each sign-in runs one scrypt and signs two RS256 tokens. */
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
async function measureVerifications(pool: LocalUserPool, signIn: () => Promise<{ AuthenticationResult?: { AccessToken?: string; RefreshToken?: string } }>): Promise<{ lines: string[]; token: string }> {
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

  const lines = [
    `  token verifications, RS256 signature checked: ${rate(DISTINCT_TOKENS / coldSeconds)}/s`,
    `  token verifications, served from the cache of verified tokens: ${rate(CACHED_CHECKS / hotSeconds)}/s`,
  ];
  return { lines, token: tokens[0]! };
}

/** An invoker that returns a fixed payload in process, so the numbers show the gateway and the authorizer alone. */
const fixedInvoker: Invoker = {
  invoke: async (): Promise<InvokeResult> => ({ ok: true, requestId: 'bench', payload: { ok: true } }),
};

/**
 * Sends the same requests through the gateway to a route without auth and to
 * one with auth (a token already in the authorizer's cache after the first
 * request), with `GATEWAY_CONNECTIONS` requests in flight.
 */
async function measureGatewayOverhead(pool: LocalUserPool, token: string, appDir: string): Promise<string[]> {
  // The model needs the handler file to exist, although the fixed invoker never loads it.
  writeFileSync(path.join(appDir, 'hello.mjs'), 'export const handler = async () => ({ ok: true });\n');
  const app = resolveApp({
    name: 'bench',
    auth: {},
    services: { api: { functions: { hello: { handler: 'hello.handler' } }, routes: { 'GET /open': 'hello', 'GET /guarded': { function: 'hello', auth: true } } } },
  }, appDir);
  const gateway = await Gateway.start({ app, invoker: fixedInvoker, authorizer: createJwtAuthorizer(pool) });

  try {
    const openRoute = { url: `${gateway.url}/open`, headers: {} };
    const guardedRoute = { url: `${gateway.url}/guarded`, headers: { authorization: `Bearer ${token}` } };
    // A first round of each warms up the JIT and the connections, so the order of the two does not matter.
    await measureRoute(openRoute);
    await measureRoute(guardedRoute);
    const open = await measureRoute(openRoute);
    const guarded = await measureRoute(guardedRoute);
    return [
      `  gateway, route without auth: ${rate(open.perSecond)} requests/s, p50 ${open.p50.toFixed(2)} ms, p99 ${open.p99.toFixed(2)} ms`,
      `  gateway, same route with the JWT authorizer: ${rate(guarded.perSecond)} requests/s (${((guarded.perSecond / open.perSecond) * 100).toFixed(0)}%), p50 ${guarded.p50.toFixed(2)} ms, p99 ${guarded.p99.toFixed(2)} ms`,
    ];
  } finally {
    await gateway.close();
  }
}

async function measureRoute({ url, headers }: { url: string; headers: Record<string, string> }): Promise<{ perSecond: number; p50: number; p99: number }> {
  const check = await fetch(url, { headers });
  if (check.status !== 200) throw new Error(`GET ${url} returned ${check.status}: ${await check.text()}`);

  const latencies: number[] = [];
  let remaining = GATEWAY_REQUESTS;
  const started = performance.now();
  await Promise.all(Array.from({ length: GATEWAY_CONNECTIONS }, async () => {
    while (remaining > 0) {
      remaining -= 1;
      const sent = performance.now();
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      latencies.push(performance.now() - sent);
    }
  }));
  const seconds = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  const percentile = (fraction: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * fraction))]!;
  return { perSecond: GATEWAY_REQUESTS / seconds, p50: percentile(0.5), p99: percentile(0.99) };
}

function rate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await run()) console.log(line);
}
