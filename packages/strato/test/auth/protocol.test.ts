import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createConfirmedUser, signIn, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
before(async () => { fixture = await startPool(); });
after(() => fixture.close());

function post(target: string | undefined, body: string) {
  return fetch(`${fixture.pool.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target && { 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` }) },
    body,
  });
}

test('error is sent in Cognito wire format', async () => {
  const response = await post('InitiateAuth', JSON.stringify({ ClientId: 'nope', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: {} }));

  // Cognito: HTTP 400, the name in x-amzn-ErrorType and in the body's __type.
  assert.equal(response.status, 400);
  assert.equal(response.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
  assert.equal(response.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.deepEqual(await response.json(), { __type: 'ResourceNotFoundException', message: 'User pool client nope does not exist.' });
});

test('missing member is an invalid parameter', async () => {
  const response = await post('SignUp', JSON.stringify({ ClientId: fixture.pool.clientId, Password: 'x' }));
  assert.equal(response.status, 400);
  assert.deepEqual(await response.json(), {
    __type: 'InvalidParameterException',
    message: "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
  });
});

test('malformed requests are rejected', async () => {
  const badJson = await post('SignUp', '{"ClientId":');
  assert.equal(badJson.status, 400);
  assert.equal((await badJson.json() as { __type: string }).__type, 'SerializationException');

  const unknownOperation = await post('DeleteUserPool', '{}');
  assert.equal(unknownOperation.status, 400);
  assert.equal((await unknownOperation.json() as { __type: string }).__type, 'UnknownOperationException');

  const noTarget = await post(undefined, '{}');
  assert.equal(noTarget.status, 400);
  assert.equal((await noTarget.json() as { __type: string }).__type, 'UnknownOperationException');

  const tooLarge = await post('SignUp', JSON.stringify({ ClientId: 'x'.repeat(2 * 1024 * 1024) }));
  assert.equal(tooLarge.status, 400);

  // The pool keeps serving after bad input.
  await createConfirmedUser(fixture, 'ana');
  assert.ok((await signIn(fixture, 'ana')).AccessToken);
});

test('JWKS and discovery document are at Cognito paths', async () => {
  const jwks = await fetch(`${fixture.pool.issuer}/.well-known/jwks.json`);
  assert.equal(jwks.status, 200);
  const { keys } = await jwks.json() as { keys: Array<Record<string, string>> };
  assert.equal(keys.length, 1);
  assert.equal(keys[0]!.kty, 'RSA');
  assert.equal(keys[0]!.alg, 'RS256');
  assert.equal(keys[0]!.use, 'sig');
  // The public half only.
  assert.equal(keys[0]!.d, undefined);
  assert.equal(keys[0]!.p, undefined);

  const discovery = await (await fetch(`${fixture.pool.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
  assert.equal(discovery.issuer, fixture.pool.issuer);
  assert.equal(discovery.jwks_uri, `${fixture.pool.issuer}/.well-known/jwks.json`);
});

test('browser preflight is allowed', async () => {
  const response = await fetch(`${fixture.pool.endpoint}/`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
  });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-allow-headers')!, /x-amz-target/);
});

test('unknown path is not found', async () => {
  const response = await fetch(`${fixture.pool.endpoint}/nothing-here`);
  assert.equal(response.status, 404);
});
