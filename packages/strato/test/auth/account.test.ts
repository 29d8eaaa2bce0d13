import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ChangePasswordCommand, GetUserAttributeVerificationCodeCommand, GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand, UpdateUserAttributesCommand, VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { createConfirmedUser, latestCode, PASSWORD, rejection, signIn, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
before(async () => { fixture = await startPool(); });
after(() => fixture.close());

test('get user returns the attributes', async () => {
  await createConfirmedUser(fixture, 'ana');
  const { AccessToken } = await signIn(fixture, 'ana');
  const output = await fixture.client.send(new GetUserCommand({ AccessToken }));

  assert.equal(output.Username, 'ana');
  assert.equal(output.UserAttributes![0]!.Name, 'sub');
  assert.deepEqual(output.UserAttributes!.slice(1), [{ Name: 'email', Value: 'ana@example.com' }, { Name: 'email_verified', Value: 'true' }]);
});

test('get user rejects other tokens', async () => {
  await createConfirmedUser(fixture, 'bruno');
  const { IdToken, AccessToken } = await signIn(fixture, 'bruno');

  // Only an access token of this pool works; an ID token or a changed token does not.
  for (const token of [IdToken!, `${AccessToken!.slice(0, -4)}AAAA`, 'garbage']) {
    const error = await rejection(fixture.client.send(new GetUserCommand({ AccessToken: token })));
    assert.equal(error.name, 'NotAuthorizedException');
    assert.equal(error.message, 'Invalid Access Token');
  }
});

test('get user rejects an expired access token', async () => {
  const past = await startPool({ now: () => Date.now() - 2 * 3600_000 });
  try {
    await createConfirmedUser(past, 'carla');
    const { AccessToken } = await signIn(past, 'carla');
    const current = await startPool({ stateDir: past.stateDir });
    try {
      // The same pool, reopened with the real clock on the same state folder and so the same key.
      current.pool.setEndpoint(past.pool.endpoint);
      const error = await rejection(current.client.send(new GetUserCommand({ AccessToken })));
      assert.equal(error.name, 'NotAuthorizedException');
      assert.equal(error.message, 'Access Token has expired');
    } finally {
      await current.close({ keepState: true });
    }
  } finally {
    await past.close();
  }
});

test('update user attributes changes the e-mail', async () => {
  await createConfirmedUser(fixture, 'dario');
  const { AccessToken } = await signIn(fixture, 'dario');
  const output = await fixture.client.send(new UpdateUserAttributesCommand({
    AccessToken, UserAttributes: [{ Name: 'name', Value: 'Dario Lima' }, { Name: 'email', Value: 'dario@example.org' }],
  }));
  assert.deepEqual(output.CodeDeliveryDetailsList, [{ Destination: 'd***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);

  // A new address is unverified until the code sent to it comes back.
  const attributes = async () => Object.fromEntries((await fixture.client.send(new GetUserCommand({ AccessToken }))).UserAttributes!.map((a) => [a.Name, a.Value]));
  assert.equal((await attributes()).email, 'dario@example.org');
  assert.equal((await attributes()).email_verified, 'false');
  assert.equal((await attributes()).name, 'Dario Lima');

  await fixture.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: latestCode(fixture.pool, 'dario', 'verify-email') }));
  assert.equal((await attributes()).email_verified, 'true');
});

test('update user attributes rejects protected attributes', async () => {
  await createConfirmedUser(fixture, 'elena');
  const { AccessToken } = await signIn(fixture, 'elena');

  const verified = await rejection(fixture.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email_verified', Value: 'true' }] })));
  assert.equal(verified.name, 'NotAuthorizedException');

  const sub = await rejection(fixture.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'sub', Value: 'mine' }] })));
  assert.equal(sub.name, 'InvalidParameterException');
  assert.equal(sub.message, 'Cannot modify the non-mutable attribute sub');
});

test('change password replaces the password', async () => {
  await createConfirmedUser(fixture, 'fabio');
  const { AccessToken } = await signIn(fixture, 'fabio');
  const newPassword = 'N3w-Secret-Pass';

  const wrong = await rejection(fixture.client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: 'Wrong-Passw0rd', ProposedPassword: newPassword })));
  assert.equal(wrong.name, 'NotAuthorizedException');
  assert.equal(wrong.message, 'Incorrect username or password.');

  const weak = await rejection(fixture.client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'weak' })));
  assert.equal(weak.name, 'InvalidPasswordException');

  await fixture.client.send(new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: newPassword }));
  assert.equal((await rejection(signIn(fixture, 'fabio'))).name, 'NotAuthorizedException');
  assert.ok((await signIn(fixture, 'fabio', newPassword)).AccessToken);
});

test('global sign-out revokes refresh and access tokens', async () => {
  await createConfirmedUser(fixture, 'gil');
  const first = await signIn(fixture, 'gil');
  const second = await signIn(fixture, 'gil');

  await fixture.client.send(new GlobalSignOutCommand({ AccessToken: first.AccessToken }));

  // Every session of the user ends, not only the one whose token was sent.
  for (const session of [first, second]) {
    const getUser = await rejection(fixture.client.send(new GetUserCommand({ AccessToken: session.AccessToken })));
    assert.equal(getUser.name, 'NotAuthorizedException');
    assert.equal(getUser.message, 'Access Token has been revoked');

    const refresh = await rejection(fixture.client.send(new InitiateAuthCommand({
      ClientId: fixture.pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: session.RefreshToken! },
    })));
    assert.equal(refresh.name, 'NotAuthorizedException');
    assert.equal(refresh.message, 'Refresh Token has been revoked');
  }

  // A new sign-in works again.
  const third = await signIn(fixture, 'gil');
  assert.equal((await fixture.client.send(new GetUserCommand({ AccessToken: third.AccessToken }))).Username, 'gil');
});

test('verification code can be requested again', async () => {
  await createConfirmedUser(fixture, 'hana');
  const { AccessToken } = await signIn(fixture, 'hana');
  await fixture.client.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'hana@example.org' }] }));
  const first = latestCode(fixture.pool, 'hana', 'verify-email');

  const output = await fixture.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
  assert.deepEqual(output.CodeDeliveryDetails, { Destination: 'h***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const second = latestCode(fixture.pool, 'hana', 'verify-email');
  if (first !== second) assert.equal((await rejection(fixture.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: first })))).name, 'CodeMismatchException');

  await fixture.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: second }));
  const attributes = (await fixture.client.send(new GetUserCommand({ AccessToken }))).UserAttributes!;
  assert.deepEqual(attributes.find((attribute) => attribute.Name === 'email_verified'), { Name: 'email_verified', Value: 'true' });
});
