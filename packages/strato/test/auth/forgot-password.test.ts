import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { AdminCreateUserCommand, ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';

import { createConfirmedUser, latestCode, PASSWORD, rejection, signIn, startPool, type PoolFixture } from './helpers.ts';

const NEW_PASSWORD = 'Brand-N3w-Pass';

let fixture: PoolFixture;
before(async () => { fixture = await startPool(); });
after(() => fixture.close());

function forgotPassword(username: string) {
  return fixture.client.send(new ForgotPasswordCommand({ ClientId: fixture.pool.clientId, Username: username }));
}

function confirmForgotPassword(username: string, code: string, password = NEW_PASSWORD) {
  return fixture.client.send(new ConfirmForgotPasswordCommand({ ClientId: fixture.pool.clientId, Username: username, ConfirmationCode: code, Password: password }));
}

test('forgot password resets with the code', async () => {
  await createConfirmedUser(fixture, 'ana');
  const output = await forgotPassword('ana');
  assert.deepEqual(output.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

  const code = latestCode(fixture.pool, 'ana', 'forgot-password');
  assert.ok(fixture.logLines.includes(`Password reset code for ana: ${code}`));
  await confirmForgotPassword('ana', code);

  assert.equal((await rejection(signIn(fixture, 'ana'))).name, 'NotAuthorizedException');
  assert.ok((await signIn(fixture, 'ana', NEW_PASSWORD)).AccessToken);
  assert.ok(fixture.logLines.every((line) => !line.includes(NEW_PASSWORD) && !line.includes(PASSWORD)));
});

test('confirm forgot password checks code and policy', async () => {
  await createConfirmedUser(fixture, 'bruno');
  await forgotPassword('bruno');
  const code = latestCode(fixture.pool, 'bruno', 'forgot-password');

  const weak = await rejection(confirmForgotPassword('bruno', code, 'short'));
  assert.equal(weak.name, 'InvalidPasswordException');
  assert.equal(weak.message, 'Password did not conform with policy: Password not long enough');

  const mismatch = await rejection(confirmForgotPassword('bruno', code === '999999' ? '000000' : '999999'));
  assert.equal(mismatch.name, 'CodeMismatchException');

  await confirmForgotPassword('bruno', code);
  // A code works once.
  assert.equal((await rejection(confirmForgotPassword('bruno', code))).name, 'ExpiredCodeException');
});

test('forgot password needs a verified e-mail', async () => {
  await fixture.client.send(new AdminCreateUserCommand({ UserPoolId: fixture.pool.poolId, Username: 'carla', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'carla@example.com' }] }));
  const error = await rejection(forgotPassword('carla'));
  assert.equal(error.name, 'InvalidParameterException');
  assert.equal(error.message, 'Cannot reset password for the user as there is no registered/verified email or phone_number');
});

test('forgot password of an unknown user fails', async () => {
  const error = await rejection(forgotPassword('nobody'));
  assert.equal(error.name, 'UserNotFoundException');
  assert.equal(error.message, 'Username/client id combination not found.');
});

test('expired reset code fails', async () => {
  let now = Date.now();
  const clocked = await startPool({ now: () => now });
  try {
    await createConfirmedUser(clocked, 'dario');
    await clocked.client.send(new ForgotPasswordCommand({ ClientId: clocked.pool.clientId, Username: 'dario' }));
    // Reset codes are valid for one hour.
    now += 3600_000 + 1000;
    const error = await rejection(clocked.client.send(new ConfirmForgotPasswordCommand({
      ClientId: clocked.pool.clientId, Username: 'dario', ConfirmationCode: latestCode(clocked.pool, 'dario', 'forgot-password'), Password: NEW_PASSWORD,
    })));
    assert.equal(error.name, 'ExpiredCodeException');
  } finally {
    await clocked.close();
  }
});
