import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

import { createJwtAuthorizer, flattenClaims, JwtAuthorizer } from '../../src/local/auth/index.ts';
import { createConfirmedUser, decodePayload, signIn, startPool, type PoolFixture } from './helpers.ts';

const SAMPLE = JSON.parse(readFileSync(new URL('../../../../../shared/samples/events/apigw-http-v2-jwt.json', import.meta.url), 'utf8'));
const SAMPLE_PAYLOAD = decodePayload(SAMPLE.headers.authorization.replace('Bearer ', '')) as JWTPayload;

const ANY_TOKEN = { auth: { scopes: [] } };
const UNAUTHORIZED = { ok: false, status: 401, body: { message: 'Unauthorized' } };
const FORBIDDEN = { ok: false, status: 403, body: { message: 'Forbidden' } };

let fixture: PoolFixture;
let tokens: { IdToken?: string; AccessToken?: string };

before(async () => {
  fixture = await startPool();
  await createConfirmedUser(fixture, 'ana');
  await fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana', GroupName: 'editors' }));
  await fixture.client.send(new AdminAddUserToGroupCommand({ UserPoolId: fixture.pool.poolId, Username: 'ana', GroupName: 'admins' }));
  tokens = await signIn(fixture, 'ana');
});
after(() => fixture.close());

/** Creates a key pair and an authorizer that trusts it, for tokens the pool would never sign. */
async function ownKeyAuthorizer(options: { now?: () => number; issuer?: string; audience?: string } = {}) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const issuer = options.issuer ?? 'http://127.0.0.1/_strato/cognito/us-east-1_TestPool1';
  const audience = options.audience ?? 'testclient';
  const authorizer = new JwtAuthorizer({ jwks: { keys: [jwk] }, issuer: () => issuer, audiences: [audience], now: options.now });
  const sign = (claims: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key', ...header }).sign(privateKey);
  return { authorizer, sign, publicKey, issuer, audience };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

test('access token passes with flattened claims', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const result = await authorizer.authorize(ANY_TOKEN, { authorization: `Bearer ${tokens.AccessToken}` });

  assert.equal(result.ok, true);
  const payload = decodePayload(tokens.AccessToken!);
  assert.deepEqual(result.ok && result.jwt, {
    claims: {
      sub: payload.sub,
      'cognito:groups': '[admins editors]',
      iss: fixture.pool.issuer,
      client_id: fixture.pool.clientId,
      origin_jti: payload.origin_jti,
      event_id: payload.event_id,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: String(payload.auth_time),
      iat: String(payload.iat),
      exp: String(payload.exp),
      jti: payload.jti,
      username: 'ana',
    },
    // RULES.md section 1 rule 11: `scopes` is null when the route declares none.
    scopes: null,
  });
});

test('ID token passes, sent bare', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const result = await authorizer.authorize(ANY_TOKEN, { authorization: tokens.IdToken });

  assert.equal(result.ok, true);
  assert.equal(result.ok && result.jwt.claims.email_verified, 'true');
  assert.equal(result.ok && result.jwt.claims['cognito:username'], 'ana');
  assert.equal(result.ok && result.jwt.claims.aud, fixture.pool.clientId);
});

test('missing or empty token is unauthorized', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, {}), UNAUTHORIZED);
  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: 'Bearer ' }), UNAUTHORIZED);
  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: 'not a token' }), UNAUTHORIZED);
});

test('changed payload is unauthorized', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const [header, , signature] = tokens.AccessToken!.split('.');
  const forged = base64url.encode(JSON.stringify({ ...decodePayload(tokens.AccessToken!), username: 'admin', 'cognito:groups': ['admins'] }));

  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: `${header}.${forged}.${signature}` }), UNAUTHORIZED);
});

test('alg none is unauthorized', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const header = base64url.encode(JSON.stringify({ alg: 'none', kid: decodeHeader(tokens.AccessToken!).kid }));
  const payload = tokens.AccessToken!.split('.')[1];

  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: `${header}.${payload}.` }), UNAUTHORIZED);
});

test('HS256 keyed with the public key is unauthorized', async () => {
  const { authorizer, publicKey, issuer, audience } = await ownKeyAuthorizer();
  const secret = new TextEncoder().encode(await exportSPKI(publicKey));
  const token = await new SignJWT({ sub: 'x', iss: issuer, client_id: audience, token_use: 'access', iat: nowSeconds(), exp: nowSeconds() + 600 })
    .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
    .sign(secret);

  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: token }), UNAUTHORIZED);
});

test('foreign key with the same kid is unauthorized', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const { sign } = await ownKeyAuthorizer();
  const token = await sign(decodePayload(tokens.AccessToken!), { kid: decodeHeader(tokens.AccessToken!).kid });

  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: token }), UNAUTHORIZED);
});

test('expired token from the pool is unauthorized', async () => {
  // A pool whose clock is two hours behind issues tokens that expired an hour ago.
  const past = await startPool({ now: () => Date.now() - 2 * 3600_000 });
  try {
    await createConfirmedUser(past, 'bruno');
    const expired = await signIn(past, 'bruno');
    const authorizer = createJwtAuthorizer(past.pool);
    assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: expired.AccessToken }), UNAUTHORIZED);
    assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: expired.IdToken }), UNAUTHORIZED);
  } finally {
    await past.close();
  }
});

test('token of another pool is unauthorized', async () => {
  const other = await startPool();
  try {
    await createConfirmedUser(other, 'carla');
    const foreign = await signIn(other, 'carla');
    const authorizer = createJwtAuthorizer(fixture.pool);
    assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: foreign.AccessToken }), UNAUTHORIZED);
  } finally {
    await other.close();
  }
});

test('claim checks reject bad tokens', async () => {
  const { authorizer, sign, issuer, audience } = await ownKeyAuthorizer();
  const now = nowSeconds();
  const good = { sub: 'u1', iss: issuer, client_id: audience, token_use: 'access', iat: now, exp: now + 600 };
  assert.equal((await authorizer.authorize(ANY_TOKEN, { authorization: await sign(good) })).ok, true);

  const cases: Record<string, JWTPayload> = {
    'past exp': { ...good, exp: now - 1 },
    'future nbf': { ...good, nbf: now + 600 },
    'future iat': { ...good, iat: now + 600 },
    'wrong iss': { ...good, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' },
    'wrong client_id': { ...good, client_id: 'someoneelse' },
    'ID token with wrong aud': { ...good, token_use: 'id', client_id: undefined, aud: 'someoneelse' },
    'access token naming the client only in aud': { ...good, client_id: undefined, aud: audience },
    'refresh token use': { ...good, token_use: 'refresh' },
    'no exp': { ...good, exp: undefined },
  };
  for (const [name, claims] of Object.entries(cases)) {
    assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: await sign(claims) }), UNAUTHORIZED, name);
  }
});

test('missing route scope is forbidden', async () => {
  const authorizer = createJwtAuthorizer(fixture.pool);
  const forbidden = await authorizer.authorize({ auth: { scopes: ['photos/write'] } }, { authorization: tokens.AccessToken });
  assert.deepEqual(forbidden, FORBIDDEN);

  // One matching scope is enough; the event then lists the token's scopes.
  const allowed = await authorizer.authorize({ auth: { scopes: ['photos/write', 'aws.cognito.signin.user.admin'] } }, { authorization: tokens.AccessToken });
  assert.deepEqual(allowed.ok && allowed.jwt.scopes, ['aws.cognito.signin.user.admin']);

  // ID tokens carry no scope.
  assert.deepEqual(await authorizer.authorize({ auth: { scopes: ['aws.cognito.signin.user.admin'] } }, { authorization: tokens.IdToken }), FORBIDDEN);
});

test('cached token still expires', async () => {
  let now = Date.now();
  const { authorizer, sign, issuer, audience } = await ownKeyAuthorizer({ now: () => now });
  const seconds = Math.floor(now / 1000);
  const token = await sign({ sub: 'u1', iss: issuer, client_id: audience, token_use: 'access', iat: seconds, exp: seconds + 30 });

  assert.equal((await authorizer.authorize(ANY_TOKEN, { authorization: token })).ok, true);
  assert.equal((await authorizer.authorize(ANY_TOKEN, { authorization: token })).ok, true);
  now += 31_000;
  assert.deepEqual(await authorizer.authorize(ANY_TOKEN, { authorization: token }), UNAUTHORIZED);
});

test('claims flatten as in the sample event', async () => {
  // RULES.md section 1 rule 11: the sample's token payload, flattened, is the claims the event carries.
  assert.deepEqual(flattenClaims(SAMPLE_PAYLOAD), SAMPLE.requestContext.authorizer.jwt.claims);

  // The same payload through the authorizer, at the request's time, on a route with one of its scopes.
  const { authorizer, sign } = await ownKeyAuthorizer({
    now: () => SAMPLE.requestContext.timeEpoch,
    issuer: SAMPLE_PAYLOAD.iss,
    audience: SAMPLE_PAYLOAD.client_id as string,
  });
  const result = await authorizer.authorize({ auth: { scopes: ['readings:read'] } }, { authorization: `Bearer ${await sign(SAMPLE_PAYLOAD)}` });
  assert.deepEqual(result, { ok: true, jwt: SAMPLE.requestContext.authorizer.jwt });
});

function decodeHeader(token: string): { kid: string } {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
}
