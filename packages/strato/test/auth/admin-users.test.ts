import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  AdminAddUserToGroupCommand, AdminDeleteUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand,
  AdminListGroupsForUserCommand, AdminRemoveUserFromGroupCommand, DeleteUserCommand, GetUserCommand, InitiateAuthCommand, ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { createConfirmedUser, rejection, signIn, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
before(async () => {
  fixture = await startPool();
  for (const username of ['ana', 'bruno', 'carla', 'dario', 'elena']) await createConfirmedUser(fixture, username);
});
after(() => fixture.close());


test('disabled user cannot sign in', async () => {
  const session = await signIn(fixture, 'ana');
  await fixture.client.send(new AdminDisableUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana' }));

  const signInError = await rejection(signIn(fixture, 'ana'));
  assert.equal(signInError.name, 'NotAuthorizedException');
  assert.equal(signInError.message, 'User is disabled.');

  // Disabling revokes the user's sessions.
  const refresh = await rejection(fixture.client.send(new InitiateAuthCommand({
    ClientId: fixture.pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: session.RefreshToken! },
  })));
  assert.equal(refresh.name, 'NotAuthorizedException');
  assert.equal((await fixture.client.send(new AdminGetUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana' }))).Enabled, false);

  await fixture.client.send(new AdminEnableUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana' }));
  assert.ok((await signIn(fixture, 'ana')).AccessToken);
});

test('deleted user is gone', async () => {
  const { AccessToken } = await signIn(fixture, 'bruno');
  await fixture.client.send(new AdminDeleteUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'bruno' }));

  const getUser = await rejection(fixture.client.send(new GetUserCommand({ AccessToken })));
  assert.equal(getUser.name, 'UserNotFoundException');
  assert.equal(getUser.message, 'User does not exist.');
  assert.equal((await rejection(signIn(fixture, 'bruno'))).name, 'UserNotFoundException');
});

test('user deletes their own account', async () => {
  const { AccessToken } = await signIn(fixture, 'carla');
  await fixture.client.send(new DeleteUserCommand({ AccessToken }));

  const error = await rejection(fixture.client.send(new AdminGetUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'carla' })));
  assert.equal(error.name, 'UserNotFoundException');
});

test('group membership is listed and removed', async () => {
  const target = { UserPoolId: fixture.pool.poolId, Username: 'dario' };
  await fixture.client.send(new AdminAddUserToGroupCommand({ ...target, GroupName: 'editors' }));
  await fixture.client.send(new AdminAddUserToGroupCommand({ ...target, GroupName: 'admins' }));

  const listed = await fixture.client.send(new AdminListGroupsForUserCommand(target));
  assert.deepEqual(listed.Groups, [{ GroupName: 'admins', UserPoolId: fixture.pool.poolId }, { GroupName: 'editors', UserPoolId: fixture.pool.poolId }]);

  await fixture.client.send(new AdminRemoveUserFromGroupCommand({ ...target, GroupName: 'admins' }));
  assert.deepEqual((await fixture.client.send(new AdminListGroupsForUserCommand(target))).Groups!.map((group) => group.GroupName), ['editors']);
});

test('list users pages and filters', async () => {
  const first = await fixture.client.send(new ListUsersCommand({ UserPoolId: fixture.pool.poolId, Limit: 2 }));
  assert.deepEqual(first.Users!.map((user) => user.Username), ['ana', 'dario']);
  assert.ok(first.PaginationToken);

  const second = await fixture.client.send(new ListUsersCommand({ UserPoolId: fixture.pool.poolId, Limit: 2, PaginationToken: first.PaginationToken }));
  assert.deepEqual(second.Users!.map((user) => user.Username), ['elena']);
  assert.equal(second.PaginationToken, undefined);

  const byEmail = await fixture.client.send(new ListUsersCommand({ UserPoolId: fixture.pool.poolId, Filter: 'email = "elena@example.com"' }));
  assert.deepEqual(byEmail.Users!.map((user) => user.Username), ['elena']);
  assert.equal(byEmail.Users![0]!.UserStatus, 'CONFIRMED');

  const byPrefix = await fixture.client.send(new ListUsersCommand({ UserPoolId: fixture.pool.poolId, Filter: 'username ^= "d"', AttributesToGet: ['email'] }));
  assert.deepEqual(byPrefix.Users!.map((user) => [user.Username, user.Attributes]), [['dario', [{ Name: 'email', Value: 'dario@example.com' }]]]);

  const badFilter = await rejection(fixture.client.send(new ListUsersCommand({ UserPoolId: fixture.pool.poolId, Filter: 'email contains x' })));
  assert.equal(badFilter.name, 'InvalidParameterException');
});

