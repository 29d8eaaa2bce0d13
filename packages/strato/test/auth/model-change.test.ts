import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AdminAddUserToGroupCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { AUTH_MODEL, createConfirmedUser, rejection, startPool } from './helpers.ts';

test('changed model applies to the next request', async () => {
  const fixture = await startPool();
  try {
    await createConfirmedUser(fixture, 'ana');
    fixture.pool.setModel({
      ...AUTH_MODEL,
      passwordPolicy: { ...AUTH_MODEL.passwordPolicy, minimumLength: 20 },
      groups: ['owners'],
    });

    const weak = await rejection(fixture.client.send(new SignUpCommand({ ClientId: fixture.pool.clientId, Username: 'bruno', Password: 'Only-15-Chars!!' })));
    assert.equal(weak.name, 'InvalidPasswordException');
    assert.equal(weak.message, 'Password did not conform with policy: Password not long enough');

    await fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana', GroupName: 'owners' }));
    const removed = await rejection(fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana', GroupName: 'admins' })));
    assert.equal(removed.name, 'ResourceNotFoundException');
  } finally {
    await fixture.close();
  }
});
