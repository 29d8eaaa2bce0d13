/**
 * USER_SRP_AUTH with amazon-cognito-identity-js, the browser client that
 * signs in with SRP by default, against the local pool over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { AdminCreateUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';

import { createConfirmedUser, decodePayload, PASSWORD, rejection, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
let userPool: CognitoUserPool;

before(async () => {
  fixture = await startPool();
  userPool = new CognitoUserPool({ UserPoolId: fixture.pool.poolId, ClientId: fixture.pool.clientId, endpoint: `${fixture.pool.endpoint}/` });
});
after(() => fixture.close());

interface SignInOutcome {
  readonly session?: CognitoUserSession;
  readonly newPasswordRequired?: true;
}

function srpSignIn(user: CognitoUser, username: string, password: string): Promise<SignInOutcome> {
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ session }),
      onFailure: reject,
      newPasswordRequired: () => resolve({ newPasswordRequired: true }),
    });
  });
}

test('SRP sign-in returns Cognito tokens', async () => {
  await createConfirmedUser(fixture, 'ana');
  const user = new CognitoUser({ Username: 'ana', Pool: userPool });
  const { session } = await srpSignIn(user, 'ana', PASSWORD);

  assert.ok(session!.isValid());
  const claims = decodePayload(session!.getIdToken().getJwtToken());
  assert.equal(claims['cognito:username'], 'ana');
  assert.equal(claims.iss, fixture.pool.issuer);
  assert.equal(decodePayload(session!.getAccessToken().getJwtToken()).token_use, 'access');
  assert.ok(session!.getRefreshToken().getToken());
});

test('SRP sign-in with a wrong password fails', async () => {
  await createConfirmedUser(fixture, 'bruno');
  const user = new CognitoUser({ Username: 'bruno', Pool: userPool });
  const error = await rejection(srpSignIn(user, 'bruno', 'Wrong-Passw0rd'));

  assert.equal(error.name, 'NotAuthorizedException');
  assert.equal(error.message, 'Incorrect username or password.');
});

test('SRP sign-in works after a password change', async () => {
  await createConfirmedUser(fixture, 'carla');
  const user = new CognitoUser({ Username: 'carla', Pool: userPool });
  const { session } = await srpSignIn(user, 'carla', PASSWORD);
  const newPassword = 'Another-Passw0rd';
  await new Promise((resolve, reject) => user.changePassword(PASSWORD, newPassword, (error, result) => (error ? reject(error) : resolve(result))));
  assert.ok(session);

  // The verifier follows the password, so the old password no longer works.
  assert.equal((await rejection(srpSignIn(new CognitoUser({ Username: 'carla', Pool: userPool }), 'carla', PASSWORD))).name, 'NotAuthorizedException');
  assert.ok((await srpSignIn(new CognitoUser({ Username: 'carla', Pool: userPool }), 'carla', newPassword)).session);
});

test('SRP sign-in of a created user asks for a new password', async () => {
  await fixture.client.send(new AdminCreateUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'dario', TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS' }));
  const user = new CognitoUser({ Username: 'dario', Pool: userPool });
  assert.deepEqual(await srpSignIn(user, 'dario', 'Temp-Passw0rd!'), { newPasswordRequired: true });

  const session = await new Promise<CognitoUserSession>((resolve, reject) => {
    user.completeNewPasswordChallenge(PASSWORD, {}, { onSuccess: resolve, onFailure: reject });
  });
  assert.equal(decodePayload(session.getIdToken().getJwtToken())['cognito:username'], 'dario');
});

test('SRP sign-in of an unconfirmed user fails', async () => {
  await new Promise((resolve, reject) => userPool.signUp('elena', PASSWORD, [], [], (error, result) => (error ? reject(error) : resolve(result))));
  const error = await rejection(srpSignIn(new CognitoUser({ Username: 'elena', Pool: userPool }), 'elena', PASSWORD));
  assert.equal(error.name, 'UserNotConfirmedException');
});

test('SRP_A that is a multiple of N is rejected', async () => {
  const error = await rejection(fixture.client.send(new InitiateAuthCommand({
    ClientId: fixture.pool.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ana', SRP_A: '0' },
  })));
  assert.equal(error.name, 'InvalidParameterException');
});
