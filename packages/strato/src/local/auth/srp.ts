/**
 * The server half of Cognito's Secure Remote Password (SRP-6a) sign-in, the
 * USER_SRP_AUTH flow that Amplify and amazon-cognito-identity-js use by
 * default. The pool keeps a verifier `v = g^x mod N` per user, where
 * `x = H(salt | H(poolName | userId | ":" | password))`, and never receives
 * the password during sign-in. The group (the 3072-bit prime of RFC 5054 with
 * g = 2), the hashes, the HKDF info "Caldera Derived Key" and the signed
 * message follow amazon-cognito-identity-js 6.3 (AuthenticationHelper.js and
 * CognitoUser.js), the client that Cognito's own SDKs are built on.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD'
  + 'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED'
  + 'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F'
  + '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B'
  + 'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510'
  + '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7'
  + 'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C'
  + 'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;
const k = BigInt(`0x${hexHash(padHex(N) + padHex(g))}`);
const HKDF_INFO = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);

/** A user's stored SRP secret: the salt and the verifier, both in hexadecimal. */
export interface SrpVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/** The server's side of one SRP exchange, kept between InitiateAuth and RespondToAuthChallenge. */
export interface SrpExchange {
  readonly clientPublic: bigint;
  readonly serverPublic: bigint;
  readonly serverSecret: bigint;
}

/** Computes the verifier that later proves `password` without the pool storing it. */
export function createVerifier(poolName: string, userId: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  return { salt, verifier: modPow(g, passwordExponent(poolName, userId, password, salt), N).toString(16) };
}

/**
 * Starts an exchange from the client's public value `A` (hexadecimal, as
 * `SRP_A`). Returns `undefined` when `A mod N` is 0, which SRP forbids
 * because it would let a client sign in without the password.
 */
export function startExchange(clientPublicHex: string, stored: SrpVerifier): SrpExchange | undefined {
  if (!/^[0-9a-fA-F]{1,1024}$/.test(clientPublicHex)) return undefined;
  const clientPublic = BigInt(`0x${clientPublicHex}`);
  if (clientPublic % N === 0n) return undefined;

  const serverSecret = BigInt(`0x${randomBytes(32).toString('hex')}`);
  const serverPublic = (k * BigInt(`0x${stored.verifier}`) + modPow(g, serverSecret, N)) % N;
  return { clientPublic, serverPublic, serverSecret };
}

export interface PasswordClaim {
  readonly poolName: string;
  readonly userId: string;
  /** `SECRET_BLOCK` as sent with the challenge, base64. */
  readonly secretBlock: string;
  /** `TIMESTAMP` as the client sent it, such as `Tue Mar 3 10:04:05 UTC 2026`. */
  readonly timestamp: string;
  /** `PASSWORD_CLAIM_SIGNATURE`, base64. */
  readonly signature: string;
}

/**
 * Checks the client's password claim: an HMAC over the pool name, the user
 * id, the secret block and the timestamp, keyed with the session key that
 * only a client knowing the password can derive.
 */
export function verifyPasswordClaim(exchange: SrpExchange, stored: SrpVerifier, claim: PasswordClaim): boolean {
  const { clientPublic, serverPublic, serverSecret } = exchange;
  const scrambler = BigInt(`0x${hexHash(padHex(clientPublic) + padHex(serverPublic))}`);
  if (scrambler === 0n) return false;

  // S = (A * v^u)^b mod N, the same secret the client reaches as (B - k * g^x)^(a + u * x).
  const verifier = BigInt(`0x${stored.verifier}`);
  const sharedSecret = modPow((clientPublic * modPow(verifier, scrambler, N)) % N, serverSecret, N);
  const sessionKey = hkdf(Buffer.from(padHex(sharedSecret), 'hex'), Buffer.from(padHex(scrambler), 'hex'));

  const message = Buffer.concat([
    Buffer.from(claim.poolName, 'utf8'),
    Buffer.from(claim.userId, 'utf8'),
    Buffer.from(claim.secretBlock, 'base64'),
    Buffer.from(claim.timestamp, 'utf8'),
  ]);
  const expected = createHmac('sha256', sessionKey).update(message).digest();
  const received = Buffer.from(claim.signature, 'base64');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** Returns `B` as the client reads `SRP_B`. */
export function serverPublicHex(exchange: SrpExchange): string {
  return exchange.serverPublic.toString(16);
}

function passwordExponent(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = createHash('sha256').update(`${poolName}${userId}:${password}`, 'utf8').digest('hex');
  return BigInt(`0x${hexHash(padHex(BigInt(`0x${saltHex}`)) + inner)}`);
}

/** HKDF-SHA256 with one block of output cut to 16 bytes, as the Cognito client derives its key. */
function hkdf(inputKey: Buffer, salt: Buffer): Buffer {
  const pseudoRandomKey = createHmac('sha256', salt).update(inputKey).digest();
  return createHmac('sha256', pseudoRandomKey).update(HKDF_INFO).digest().subarray(0, 16);
}

/** Hashes the bytes that a hexadecimal string spells. */
function hexHash(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/**
 * Writes a non-negative integer as the client's padHex does: an even number
 * of hex digits, with `00` in front when the first digit is 8 or more, as
 * Java's two's-complement `BigInteger.toByteArray()` would.
 */
function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let factor = base % modulus;
  let remaining = exponent;
  while (remaining > 0n) {
    if (remaining & 1n) result = (result * factor) % modulus;
    factor = (factor * factor) % modulus;
    remaining >>= 1n;
  }
  return result;
}
