/**
 * Routes with `auth` through the real gateway: the user pool is mounted on
 * the gateway's port, and the JWT authorizer guards the routes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { openLocalAuth, type LocalAuth } from '../../src/local/auth/index.ts';
import { Gateway } from '../../src/local/gateway/index.ts';
import { resolveApp } from '../../src/model/index.ts';
import { InProcessInvoker } from '../gateway/fixtures/in-process-invoker.ts';
import { fixtureRoot } from '../gateway/fixtures/start-gateway.ts';
import { PASSWORD } from './helpers.ts';

const app = resolveApp({
  name: 'auth-test',
  auth: { groups: ['admins'] },
  services: {
    api: {
      functions: { echo: { handler: 'src/handlers.echo' } },
      routes: {
        'GET /public': 'echo',
        'GET /me': { function: 'echo', auth: true },
        'POST /photos': { function: 'echo', auth: { scopes: ['photos/write'] } },
      },
    },
  },
}, fixtureRoot);

let stateDir: string;
let auth: LocalAuth;
let gateway: Gateway;
let client: CognitoIdentityProviderClient;
let tokens: { IdToken?: string; AccessToken?: string };

before(async () => {
  stateDir = mkdtempSync(path.join(tmpdir(), 'strato-auth-gateway-'));
  auth = await openLocalAuth({ auth: app.auth!, stateDir });
  gateway = await Gateway.start({ app, invoker: new InProcessInvoker(), mounts: [auth.mount], authorizer: auth.authorizer });
  auth.attach(gateway.url);

  // The SDK reaches the pool on the gateway's own port.
  client = new CognitoIdentityProviderClient({ endpoint: auth.pool.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const { clientId } = auth.pool;
  await client.send(new SignUpCommand({ ClientId: clientId, Username: 'ana', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }] }));
  const code = auth.pool.messages('ana')[0]!.code!;
  await client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'ana', ConfirmationCode: code }));
  tokens = (await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ana', PASSWORD } }))).AuthenticationResult!;
});

after(async () => {
  client.destroy();
  await gateway.close();
  auth.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function get(route: string, headers: Record<string, string> = {}, method = 'GET') {
  return fetch(`${gateway.url}${route}`, { method, headers });
}

test('pool endpoint is on the gateway', () => {
  assert.equal(auth.pool.endpoint, `${gateway.url}/_strato/cognito`);
  assert.equal(auth.pool.issuer, `${gateway.url}/_strato/cognito/${auth.pool.poolId}`);
});

test('route without auth needs no token', async () => {
  const response = await get('/public');
  assert.equal(response.status, 200);
  const event = await response.json() as { requestContext: Record<string, unknown> };
  assert.equal('authorizer' in event.requestContext, false);
});

test('route with auth rejects a missing token', async () => {
  const response = await get('/me');

  // API Gateway HTTP API: 401 with this fixed body, and the function does not run.
  assert.equal(response.status, 401);
  assert.deepEqual(await response.json(), { message: 'Unauthorized' });
});

test('route with auth rejects a forged token', async () => {
  const [header, payload] = tokens.AccessToken!.split('.');
  const response = await get('/me', { authorization: `Bearer ${header}.${payload}.` });
  assert.equal(response.status, 401);
  assert.deepEqual(await response.json(), { message: 'Unauthorized' });
});

test('route with auth passes the claims', async () => {
  const response = await get('/me', { authorization: `Bearer ${tokens.IdToken}` });
  assert.equal(response.status, 200);

  const event = await response.json() as { requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: unknown } } } };
  const { claims, scopes } = event.requestContext.authorizer.jwt;
  assert.equal(claims['cognito:username'], 'ana');
  assert.equal(claims.email_verified, 'true');
  assert.equal(claims.token_use, 'id');
  assert.match(claims.exp!, /^\d+$/);
  assert.equal(scopes, null);
});

test('route scope missing is forbidden', async () => {
  const response = await get('/photos', { authorization: tokens.AccessToken! }, 'POST');
  assert.equal(response.status, 403);
  assert.deepEqual(await response.json(), { message: 'Forbidden' });
});

test('captured codes are listed on the gateway', async () => {
  const response = await get('/_strato/cognito/messages?username=ana');
  const { messages } = await response.json() as { messages: Array<{ kind: string; code: string }> };
  assert.equal(response.status, 200);
  assert.deepEqual(messages.map((message) => message.kind), ['sign-up']);
  assert.match(messages[0]!.code, /^\d{6}$/);
});
