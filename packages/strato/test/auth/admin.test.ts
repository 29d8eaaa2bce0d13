import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  AdminAddUserToGroupCommand, AdminConfirmSignUpCommand, AdminCreateUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand,
  InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { decodePayload, PASSWORD, rejection, signIn, startPool, type PoolFixture } from './helpers.ts';

const TEMPORARY_PASSWORD = 'Temp-Passw0rd!';

let fixture: PoolFixture;
before(async () => { fixture = await startPool(); });
after(() => fixture.close());

function createUser(username: string, extra: Record<string, unknown> = {}) {
  return fixture.client.send(new AdminCreateUserCommand({
    UserPoolId: fixture.pool.poolId, Username: username, TemporaryPassword: TEMPORARY_PASSWORD,
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, { Name: 'email_verified', Value: 'true' }], ...extra,
  }));
}

test('admin create user returns the user', async () => {
  const { User } = await createUser('ana');

  assert.equal(User!.Username, 'ana');
  assert.equal(User!.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(User!.Enabled, true);
  assert.ok(User!.UserCreateDate instanceof Date);
  assert.deepEqual(User!.Attributes!.slice(1), [{ Name: 'email', Value: 'ana@example.com' }, { Name: 'email_verified', Value: 'true' }]);

  // The invitation is recorded, but the temporary password is neither logged nor listed.
  assert.deepEqual(fixture.pool.messages('ana').map((message) => [message.kind, message.code]), [['invitation', null]]);
  assert.ok(fixture.logLines.every((line) => !line.includes(TEMPORARY_PASSWORD)));

  const duplicate = await rejection(createUser('ana'));
  assert.equal(duplicate.name, 'UsernameExistsException');
  assert.equal(duplicate.message, 'User account already exists');
});

test('first sign-in of a created user needs a new password', async () => {
  await createUser('bruno', { MessageAction: 'SUPPRESS' });
  const challenge = await fixture.client.send(new InitiateAuthCommand({
    ClientId: fixture.pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bruno', PASSWORD: TEMPORARY_PASSWORD },
  }));
  assert.equal(challenge.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(challenge.AuthenticationResult, undefined);
  assert.equal(challenge.ChallengeParameters!.USER_ID_FOR_SRP, 'bruno');

  const answer = await fixture.client.send(new RespondToAuthChallengeCommand({
    ClientId: fixture.pool.clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session,
    ChallengeResponses: { USERNAME: 'bruno', NEW_PASSWORD: PASSWORD },
  }));
  assert.equal(decodePayload(answer.AuthenticationResult!.IdToken!)['cognito:username'], 'bruno');
  assert.equal((await fixture.client.send(new AdminGetUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'bruno' }))).UserStatus, 'CONFIRMED');
});

test('admin set user password confirms the user', async () => {
  await createUser('carla', { MessageAction: 'SUPPRESS' });
  await fixture.client.send(new AdminSetUserPasswordCommand({ UserPoolId: fixture.pool.poolId, Username: 'carla', Password: PASSWORD, Permanent: true }));
  assert.ok((await signIn(fixture, 'carla')).AccessToken);
});

test('admin confirm sign-up confirms an unconfirmed user', async () => {
  await fixture.client.send(new SignUpCommand({ ClientId: fixture.pool.clientId, Username: 'dario', Password: PASSWORD }));
  await fixture.client.send(new AdminConfirmSignUpCommand({ UserPoolId: fixture.pool.poolId, Username: 'dario' }));
  assert.ok((await signIn(fixture, 'dario')).AccessToken);

  const again = await rejection(fixture.client.send(new AdminConfirmSignUpCommand({ UserPoolId: fixture.pool.poolId, Username: 'dario' })));
  assert.equal(again.name, 'NotAuthorizedException');
  assert.equal(again.message, 'User cannot be confirmed. Current status is CONFIRMED');

  const unknown = await rejection(fixture.client.send(new AdminConfirmSignUpCommand({ UserPoolId: fixture.pool.poolId, Username: 'nobody' })));
  assert.equal(unknown.name, 'UserNotFoundException');
  assert.equal(unknown.message, 'User does not exist.');
});

test('admin add user to group adds the groups claim', async () => {
  await createUser('elena', { MessageAction: 'SUPPRESS' });
  await fixture.client.send(new AdminSetUserPasswordCommand({ UserPoolId: fixture.pool.poolId, Username: 'elena', Password: PASSWORD, Permanent: true }));
  await fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'elena', GroupName: 'admins' }));

  assert.deepEqual(decodePayload((await signIn(fixture, 'elena')).IdToken!)['cognito:groups'], ['admins']);

  const unknownGroup = await rejection(fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'elena', GroupName: 'owners' })));
  assert.equal(unknownGroup.name, 'ResourceNotFoundException');
  assert.equal(unknownGroup.message, 'Group not found.');
});

test('admin get user returns status and attributes', async () => {
  const created = await createUser('fabio', { MessageAction: 'SUPPRESS' });
  const output = await fixture.client.send(new AdminGetUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'fabio' }));

  assert.equal(output.Username, 'fabio');
  assert.equal(output.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(output.Enabled, true);
  assert.deepEqual(output.UserAttributes, created.User!.Attributes);
  assert.equal(output.UserCreateDate!.getTime(), created.User!.UserCreateDate!.getTime());
});

test('admin calls with an unknown pool fail', async () => {
  const error = await rejection(fixture.client.send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_NoSuchOne', Username: 'ana' })));
  assert.equal(error.name, 'ResourceNotFoundException');
  assert.equal(error.message, 'User pool us-east-1_NoSuchOne does not exist.');
});

test('admin create user enforces the policy on the temporary password', async () => {
  const error = await rejection(createUser('gil', { TemporaryPassword: 'weakpass' }));
  assert.equal(error.name, 'InvalidPasswordException');
  assert.equal(error.message, 'Password did not conform with policy: Password must have uppercase characters');
});
