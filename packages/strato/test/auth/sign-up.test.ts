import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ConfirmSignUpCommand, InitiateAuthCommand, ResendConfirmationCodeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';

import { latestCode, PASSWORD, rejection, startPool, type PoolFixture } from './helpers.ts';

let fixture: PoolFixture;
before(async () => { fixture = await startPool(); });
after(() => fixture.close());

function signUp(username: string, password = PASSWORD, email = `${username}@example.com`) {
  return fixture.client.send(new SignUpCommand({ ClientId: fixture.pool.clientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
}

function confirm(username: string, code: string) {
  return fixture.client.send(new ConfirmSignUpCommand({ ClientId: fixture.pool.clientId, Username: username, ConfirmationCode: code }));
}

test('sign-up returns an unconfirmed user and the delivery', async () => {
  const output = await signUp('ana', PASSWORD, 'ana.silva@example.com');

  assert.equal(output.UserConfirmed, false);
  assert.match(output.UserSub!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(output.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
});

test('sign-up code is logged and listed, never the password', async () => {
  await signUp('bruno');
  const code = latestCode(fixture.pool, 'bruno');

  assert.match(code, /^\d{6}$/);
  assert.ok(fixture.logLines.includes(`Verification code for bruno: ${code}`));
  assert.ok(fixture.logLines.every((line) => !line.includes(PASSWORD)));

  // The endpoint that the web console and browser tests read.
  const response = await fetch(`${fixture.pool.endpoint}/messages?username=bruno`);
  const body = await response.json() as { messages: Array<{ username: string; kind: string; code: string; destination: string }> };
  assert.equal(response.status, 200);
  assert.deepEqual(body.messages.map(({ username, kind, code: listed, destination }) => ({ username, kind, code: listed, destination })),
    [{ username: 'bruno', kind: 'sign-up', code, destination: 'bruno@example.com' }]);
});

test('sign-up of a taken username fails', async () => {
  await signUp('carla');
  const error = await rejection(signUp('Carla'));

  // Cognito: UsernameExistsException, "User already exists"; usernames compare without case.
  assert.equal(error.name, 'UsernameExistsException');
  assert.equal(error.message, 'User already exists');
  assert.equal(error.$metadata?.httpStatusCode, 400);
});

test('sign-up enforces the password policy', async () => {
  // Cognito's reasons, in the order Cognito checks the rules.
  const cases = [
    ['Sh0rt!', 'Password not long enough'],
    ['NOLOWER1!', 'Password must have lowercase characters'],
    ['noupper1!', 'Password must have uppercase characters'],
    ['NoNumbers!', 'Password must have numeric characters'],
    ['NoSymbols1', 'Password must have symbol characters'],
  ];
  for (const [password, reason] of cases) {
    const error = await rejection(signUp(`weak-${reason!.length}`, password));
    assert.equal(error.name, 'InvalidPasswordException', password);
    assert.equal(error.message, `Password did not conform with policy: ${reason}`);
  }
});

test('sign-up rejects bad parameters', async () => {
  const unknownClient = await rejection(fixture.client.send(new SignUpCommand({ ClientId: 'nosuchclient', Username: 'dario', Password: PASSWORD })));
  assert.equal(unknownClient.name, 'ResourceNotFoundException');
  assert.equal(unknownClient.message, 'User pool client nosuchclient does not exist.');

  const spaced = await rejection(fixture.client.send(new SignUpCommand({ ClientId: fixture.pool.clientId, Username: 'dario lima', Password: PASSWORD })));
  assert.equal(spaced.name, 'InvalidParameterException');

  const verified = await rejection(fixture.client.send(new SignUpCommand({
    ClientId: fixture.pool.clientId, Username: 'dario', Password: PASSWORD, UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
  })));
  assert.equal(verified.name, 'NotAuthorizedException');
  assert.equal(verified.message, 'A client attempted to write unauthorized attribute');

  const longPassword = await rejection(fixture.client.send(new SignUpCommand({ ClientId: fixture.pool.clientId, Username: 'dario', Password: `Aa1!${'x'.repeat(300)}` })));
  assert.equal(longPassword.name, 'InvalidParameterException');

  const unknownAttribute = await rejection(fixture.client.send(new SignUpCommand({
    ClientId: fixture.pool.clientId, Username: 'dario', Password: PASSWORD, UserAttributes: [{ Name: 'shoe_size', Value: '42' }],
  })));
  assert.equal(unknownAttribute.name, 'InvalidParameterException');
});

test('confirm sign-up lets the user sign in', async () => {
  await signUp('elena');
  const beforeConfirm = await rejection(fixture.client.send(new InitiateAuthCommand({
    ClientId: fixture.pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'elena', PASSWORD },
  })));
  assert.equal(beforeConfirm.name, 'UserNotConfirmedException');
  assert.equal(beforeConfirm.message, 'User is not confirmed.');

  await confirm('elena', latestCode(fixture.pool, 'elena'));
  const output = await fixture.client.send(new InitiateAuthCommand({
    ClientId: fixture.pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'elena', PASSWORD },
  }));
  assert.equal(output.AuthenticationResult?.TokenType, 'Bearer');
});

test('confirm sign-up with a wrong code fails', async () => {
  await signUp('fabio');
  const code = latestCode(fixture.pool, 'fabio');
  const wrong = code === '000000' ? '111111' : '000000';

  const error = await rejection(confirm('fabio', wrong));
  assert.equal(error.name, 'CodeMismatchException');
  assert.equal(error.message, 'Invalid verification code provided, please try again.');

  // The right code still works after one mistake.
  await confirm('fabio', code);
  const again = await rejection(confirm('fabio', code));
  assert.equal(again.name, 'NotAuthorizedException');
  assert.equal(again.message, 'User cannot be confirmed. Current status is CONFIRMED');
});

test('confirm sign-up stops after five wrong codes', async () => {
  await signUp('gil');
  const code = latestCode(fixture.pool, 'gil');
  const wrong = code === '000000' ? '111111' : '000000';

  for (let attempt = 0; attempt < 5; attempt += 1) {
    assert.equal((await rejection(confirm('gil', wrong))).name, 'CodeMismatchException');
  }
  const error = await rejection(confirm('gil', code));
  assert.equal(error.name, 'LimitExceededException');
  assert.equal(error.message, 'Attempt limit exceeded, please try after some time.');

  // A new code starts a new count.
  await fixture.client.send(new ResendConfirmationCodeCommand({ ClientId: fixture.pool.clientId, Username: 'gil' }));
  await confirm('gil', latestCode(fixture.pool, 'gil'));
});

test('confirm sign-up of an unknown user fails', async () => {
  const error = await rejection(confirm('nobody', '123456'));
  assert.equal(error.name, 'UserNotFoundException');
  assert.equal(error.message, 'Username/client id combination not found.');
});

test('resend confirmation code replaces the old code', async () => {
  await signUp('hana');
  const first = latestCode(fixture.pool, 'hana');
  const output = await fixture.client.send(new ResendConfirmationCodeCommand({ ClientId: fixture.pool.clientId, Username: 'hana' }));
  const second = latestCode(fixture.pool, 'hana');

  assert.deepEqual(output.CodeDeliveryDetails, { Destination: 'h***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  assert.equal(fixture.pool.messages('hana').length, 2);
  if (first !== second) assert.equal((await rejection(confirm('hana', first))).name, 'CodeMismatchException');
  await confirm('hana', second);

  const confirmed = await rejection(fixture.client.send(new ResendConfirmationCodeCommand({ ClientId: fixture.pool.clientId, Username: 'hana' })));
  assert.equal(confirmed.name, 'InvalidParameterException');
  assert.equal(confirmed.message, 'User is already confirmed.');
});

test('expired confirmation code fails', async () => {
  let now = Date.now();
  const clocked = await startPool({ now: () => now });
  try {
    await clocked.client.send(new SignUpCommand({ ClientId: clocked.pool.clientId, Username: 'ines', Password: PASSWORD }));
    const code = latestCode(clocked.pool, 'ines');

    // Sign-up codes are valid for 24 hours.
    now += 24 * 3600_000 + 1000;
    const error = await rejection(clocked.client.send(new ConfirmSignUpCommand({ ClientId: clocked.pool.clientId, Username: 'ines', ConfirmationCode: code })));
    assert.equal(error.name, 'ExpiredCodeException');
    assert.equal(error.message, 'Invalid code provided, please request a code again.');
  } finally {
    await clocked.close();
  }
});
