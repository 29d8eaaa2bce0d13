import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { AdminAddUserToGroupCommand, AdminInitiateAuthCommand, GetUserCommand, InitiateAuthCommand, RevokeTokenCommand, type AuthFlowType } from '@aws-sdk/client-cognito-identity-provider';

import { createConfirmedUser, decodePayload, PASSWORD, rejection, signIn, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
before(async () => {
  fixture = await startPool();
  await createConfirmedUser(fixture, 'ana');
  await fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana', GroupName: 'editors' }));
});
after(() => fixture.close());

function initiateAuth(flow: string, parameters: Record<string, string>) {
  return fixture.client.send(new InitiateAuthCommand({ ClientId: fixture.pool.clientId, AuthFlow: flow as AuthFlowType, AuthParameters: parameters }));
}

test('password sign-in returns three tokens', async () => {
  const output = await initiateAuth('USER_PASSWORD_AUTH', { USERNAME: 'ana', PASSWORD });

  assert.deepEqual(output.ChallengeParameters, {});
  assert.equal(output.ChallengeName, undefined);
  const result = output.AuthenticationResult!;
  assert.equal(result.ExpiresIn, 3600);
  assert.equal(result.TokenType, 'Bearer');
  assert.equal(result.IdToken!.split('.').length, 3);
  assert.equal(result.AccessToken!.split('.').length, 3);
  assert.ok(result.RefreshToken!.length >= 32);
});

test('ID token carries Cognito claims', async () => {
  const result = await signIn(fixture, 'ana');
  const header = JSON.parse(Buffer.from(result.IdToken!.split('.')[0]!, 'base64url').toString('utf8'));
  const claims = decodePayload(result.IdToken!);

  assert.deepEqual(header, { kid: fixture.pool.jwks.keys[0]!.kid, alg: 'RS256' });
  assert.match(claims.sub as string, /^[0-9a-f-]{36}$/);
  assert.equal(claims.iss, fixture.pool.issuer);
  assert.equal(claims.aud, fixture.pool.clientId);
  assert.equal(claims.token_use, 'id');
  assert.equal(claims['cognito:username'], 'ana');
  assert.deepEqual(claims['cognito:groups'], ['editors']);
  assert.equal(claims.email, 'ana@example.com');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.exp, (claims.iat as number) + 3600);
  assert.equal(claims.auth_time, claims.iat);
  for (const name of ['jti', 'origin_jti', 'event_id']) assert.match(claims[name] as string, /^[0-9a-f-]{36}$/, name);
});

test('access token carries Cognito claims', async () => {
  const result = await signIn(fixture, 'ana');
  const id = decodePayload(result.IdToken!);
  const claims = decodePayload(result.AccessToken!);

  assert.equal(claims.sub, id.sub);
  assert.equal(claims.iss, fixture.pool.issuer);
  assert.equal(claims.client_id, fixture.pool.clientId);
  assert.equal(claims.aud, undefined);
  assert.equal(claims.token_use, 'access');
  assert.equal(claims.scope, 'aws.cognito.signin.user.admin');
  assert.equal(claims.username, 'ana');
  assert.deepEqual(claims['cognito:groups'], ['editors']);
  assert.equal(claims.origin_jti, id.origin_jti);
  assert.notEqual(claims.jti, id.jti);
  assert.equal(claims.exp, (claims.iat as number) + 3600);
});

test('user without groups has no groups claim', async () => {
  await createConfirmedUser(fixture, 'bruno');
  const result = await signIn(fixture, 'bruno');
  assert.equal('cognito:groups' in decodePayload(result.IdToken!), false);
  assert.equal('cognito:groups' in decodePayload(result.AccessToken!), false);
});

test('wrong password is not authorized', async () => {
  const error = await rejection(initiateAuth('USER_PASSWORD_AUTH', { USERNAME: 'ana', PASSWORD: 'Wrong-Passw0rd' }));
  assert.equal(error.name, 'NotAuthorizedException');
  assert.equal(error.message, 'Incorrect username or password.');
});

test('unknown user is not found', async () => {
  // An app client with PreventUserExistenceErrors LEGACY, the API's default for a new client.
  const error = await rejection(initiateAuth('USER_PASSWORD_AUTH', { USERNAME: 'nobody', PASSWORD }));
  assert.equal(error.name, 'UserNotFoundException');
  assert.equal(error.message, 'User does not exist.');
});

test('five wrong passwords lock the user out', async () => {
  // A stopped clock keeps the lockout from running out during the test.
  let now = Date.now();
  const clocked = await startPool({ now: () => now });
  const attempt = (password: string) => clocked.client.send(new InitiateAuthCommand({
    ClientId: clocked.pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carla', PASSWORD: password },
  }));
  try {
    await createConfirmedUser(clocked, 'carla');
    for (let failure = 0; failure < 5; failure += 1) {
      assert.equal((await rejection(attempt('Wrong-Passw0rd'))).message, 'Incorrect username or password.');
    }

    // Cognito: locked out for one second after five failures, even with the right password.
    const locked = await rejection(attempt(PASSWORD));
    assert.equal(locked.name, 'NotAuthorizedException');
    assert.equal(locked.message, 'Password attempts exceeded');

    now += 1000;
    assert.ok((await attempt(PASSWORD)).AuthenticationResult?.AccessToken);
  } finally {
    await clocked.close();
  }
});

test('missing auth parameters are invalid', async () => {
  const error = await rejection(initiateAuth('USER_PASSWORD_AUTH', { USERNAME: 'ana' }));
  assert.equal(error.name, 'InvalidParameterException');
  assert.equal(error.message, 'Missing required parameter PASSWORD');
});

test('unserved or unknown flows are invalid', async () => {
  const custom = await rejection(initiateAuth('CUSTOM_AUTH', { USERNAME: 'ana' }));
  assert.equal(custom.name, 'InvalidParameterException');
  assert.equal(custom.message, 'CUSTOM_AUTH flow not enabled for this client');

  const unknown = await rejection(initiateAuth('MAGIC_LINK', {}));
  assert.equal(unknown.name, 'InvalidParameterException');
  assert.match(unknown.message, /Value 'MAGIC_LINK' at 'authFlow' failed to satisfy constraint/);
});

test('refresh token returns new ID and access tokens', async () => {
  const first = await signIn(fixture, 'ana');
  for (const flow of ['REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN']) {
    const output = await initiateAuth(flow, { REFRESH_TOKEN: first.RefreshToken! });
    const result = output.AuthenticationResult!;

    // A refresh returns no new refresh token and keeps the sign-in's auth_time and origin_jti.
    assert.equal(result.RefreshToken, undefined, flow);
    assert.equal(result.ExpiresIn, 3600);
    const refreshed = decodePayload(result.AccessToken!);
    const original = decodePayload(first.AccessToken!);
    assert.equal(refreshed.origin_jti, original.origin_jti);
    assert.equal(refreshed.auth_time, original.auth_time);
    assert.notEqual(refreshed.jti, original.jti);
    assert.equal(decodePayload(result.IdToken!).token_use, 'id');
  }
});

test('unknown refresh token is not authorized', async () => {
  const error = await rejection(initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: 'made-up-token' }));
  assert.equal(error.name, 'NotAuthorizedException');
  assert.equal(error.message, 'Invalid Refresh Token');
});

test('sign-in with an unknown client fails', async () => {
  const error = await rejection(fixture.client.send(new InitiateAuthCommand({ ClientId: 'abc', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ana', PASSWORD } })));
  assert.equal(error.name, 'ResourceNotFoundException');
  assert.equal(error.message, 'User pool client abc does not exist.');
});

test('admin sign-in with a password', async () => {
  const output = await fixture.client.send(new AdminInitiateAuthCommand({
    UserPoolId: fixture.pool.poolId, ClientId: fixture.pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ana', PASSWORD },
  }));
  assert.equal(decodePayload(output.AuthenticationResult!.IdToken!)['cognito:username'], 'ana');

  // Each call takes only its own flows.
  const wrongCall = await rejection(initiateAuth('ADMIN_USER_PASSWORD_AUTH', { USERNAME: 'ana', PASSWORD }));
  assert.equal(wrongCall.name, 'InvalidParameterException');
  assert.equal(wrongCall.message, 'Initiate Auth method not supported.');
  const wrongFlow = await rejection(fixture.client.send(new AdminInitiateAuthCommand({
    UserPoolId: fixture.pool.poolId, ClientId: fixture.pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ana', PASSWORD },
  })));
  assert.equal(wrongFlow.name, 'InvalidParameterException');
});

test('revoke token ends one session', async () => {
  const revoked = await signIn(fixture, 'ana');
  const kept = await signIn(fixture, 'ana');
  await fixture.client.send(new RevokeTokenCommand({ ClientId: fixture.pool.clientId, Token: revoked.RefreshToken }));

  const refresh = await rejection(initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: revoked.RefreshToken! }));
  assert.equal(refresh.message, 'Refresh Token has been revoked');
  const getUser = await rejection(fixture.client.send(new GetUserCommand({ AccessToken: revoked.AccessToken })));
  assert.equal(getUser.message, 'Access Token has been revoked');

  // The user's other session goes on.
  assert.equal((await fixture.client.send(new GetUserCommand({ AccessToken: kept.AccessToken }))).Username, 'ana');

  const jwt = await rejection(fixture.client.send(new RevokeTokenCommand({ ClientId: fixture.pool.clientId, Token: kept.AccessToken })));
  assert.equal(jwt.name, 'UnsupportedTokenTypeException');
});
