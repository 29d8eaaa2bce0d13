import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';

import { createJwtAuthorizer } from '../../src/local/auth/index.ts';
import { createConfirmedUser, signIn, startPool } from './helpers.ts';

test('pool survives a reopen', async () => {
  const first = await startPool();
  await createConfirmedUser(first, 'ana');
  const tokens = await signIn(first, 'ana');
  const { poolId, clientId, jwks, endpoint } = first.pool;
  await first.close({ keepState: true });

  const second = await startPool({ stateDir: first.stateDir });
  try {
    // Ids and the signing key stay, so clients keep their settings and tokens stay valid.
    assert.equal(second.pool.poolId, poolId);
    assert.equal(second.pool.clientId, clientId);
    assert.deepEqual(second.pool.jwks, jwks);
    assert.match(poolId, /^us-east-1_[A-Za-z0-9]{9}$/);
    assert.match(clientId, /^[a-z0-9]{26}$/);

    // Users, passwords and sessions stay.
    assert.ok((await signIn(second, 'ana')).AccessToken);
    second.pool.setEndpoint(endpoint);
    assert.equal((await second.client.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username, 'ana');
    const authorized = await createJwtAuthorizer(second.pool).authorize({ auth: { scopes: [] } }, { authorization: tokens.IdToken });
    assert.equal(authorized.ok, true);
  } finally {
    await second.close();
  }
});
