/**
 * The pool's RSA signing key: generated on first start, kept in the pool's
 * database so that tokens stay valid across restarts, and published as a JWKS.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';

import type { UserPoolDatabase } from './database.ts';

/** Cognito signs every user-pool token with RS256. */
export const SIGNING_ALGORITHM = 'RS256';

const SETTING_NAME = 'signing_key';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public half as the JWKS publishes it. */
  readonly jwks: JSONWebKeySet;
}

/** Loads the pool's key pair, generating and storing one on first use. */
export async function loadSigningKey(db: UserPoolDatabase): Promise<SigningKey> {
  let stored = db.selectSetting.get(SETTING_NAME)?.value;
  if (stored === undefined) {
    // Another process may store its key first; the row that wins is the key.
    db.insertSetting.run(SETTING_NAME, JSON.stringify(await generatePrivateJwk()));
    stored = db.selectSetting.get(SETTING_NAME)!.value;
  }

  const privateJwk = JSON.parse(stored) as JWK & { kid: string };
  const privateKey = (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey;
  const { kty, n, e, kid } = privateJwk;
  return { kid, privateKey, jwks: { keys: [{ alg: SIGNING_ALGORITHM, e, kid, kty, n, use: 'sig' }] } };
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  // The RFC 7638 thumbprint of the public key is a stable, unique key id.
  const kid = await calculateJwkThumbprint({ kty: jwk.kty!, n: jwk.n!, e: jwk.e! });
  return { ...jwk, kid, alg: SIGNING_ALGORITHM };
}
