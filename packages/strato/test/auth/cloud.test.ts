/**
 * Auth in the local cloud: the user pool served on the gateway's port, a
 * route with `auth` reaching a function in the real runtime with the claims,
 * and users kept across a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { LocalCloud } from '../../src/local/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { fixtureRoot } from '../gateway/fixtures/start-gateway.ts';
import { PASSWORD } from './helpers.ts';

const app = resolveApp({
  name: 'auth-cloud-test',
  auth: {},
  services: { api: { functions: { echo: { handler: 'src/handlers.echo' } }, routes: { 'GET /me': { function: 'echo', auth: true } } } },
}, fixtureRoot);

const stateDir = mkdtempSync(path.join(tmpdir(), 'strato-auth-cloud-'));
const logLines: string[] = [];
let cloud: LocalCloud;

before(async () => {
  cloud = await LocalCloud.start({ app, stateDir, logSink: (line) => logLines.push(line) });
});
after(async () => {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function sdkClient(endpoint: string) {
  return new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

async function signIn(endpoint: string, clientId: string) {
  const client = sdkClient(endpoint);
  try {
    const output = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ana', PASSWORD } }));
    return output.AuthenticationResult!;
  } finally {
    client.destroy();
  }
}

test('start prints the user pool endpoint', () => {
  const pool = cloud.parts.auth!.pool;
  assert.equal(pool.endpoint, `${cloud.url}/_strato/cognito`);
  assert.ok(logLines.some((line) => line.includes(pool.poolId) && line.includes(pool.clientId) && line.includes(pool.endpoint)), logLines.join('\n'));
});

test('signed-in user reaches an auth route', async () => {
  const pool = cloud.parts.auth!.pool;
  const client = sdkClient(pool.endpoint);
  try {
    await client.send(new SignUpCommand({ ClientId: pool.clientId, Username: 'ana', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }] }));
    const code = logLines.map((line) => /^Verification code for ana: (\d{6})$/.exec(line)?.[1]).find(Boolean)!;
    await client.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: 'ana', ConfirmationCode: code }));
  } finally {
    client.destroy();
  }
  const { AccessToken } = await signIn(pool.endpoint, pool.clientId);

  const anonymous = await fetch(`${cloud.url}/me`);
  assert.equal(anonymous.status, 401);
  assert.deepEqual(await anonymous.json(), { message: 'Unauthorized' });

  const response = await fetch(`${cloud.url}/me`, { headers: { authorization: `Bearer ${AccessToken}` } });
  assert.equal(response.status, 200);
  const event = await response.json() as { requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: unknown } } } };
  assert.equal(event.requestContext.authorizer.jwt.claims.username, 'ana');
  assert.equal(event.requestContext.authorizer.jwt.claims.token_use, 'access');
  assert.equal(event.requestContext.authorizer.jwt.scopes, null);
});

test('users survive a restart', async () => {
  const { poolId, clientId } = cloud.parts.auth!.pool;
  await cloud.stop();
  cloud = await LocalCloud.start({ app, stateDir, logSink: (line) => logLines.push(line) });

  const pool = cloud.parts.auth!.pool;
  assert.equal(pool.poolId, poolId);
  assert.equal(pool.clientId, clientId);
  const { IdToken } = await signIn(pool.endpoint, pool.clientId);
  const response = await fetch(`${cloud.url}/me`, { headers: { authorization: IdToken! } });
  assert.equal(response.status, 200);
});
