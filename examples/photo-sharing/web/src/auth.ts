/**
 * Sign-up and sign-in against the application's Cognito user pool, through
 * the AWS SDK. Locally the SDK calls the local cloud's user pool, and on AWS
 * it calls Cognito itself. The tokens are kept in localStorage, so a reload keeps
 * the user signed in until the refresh token runs out.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';

import type { SiteConfig } from './config.ts';

export interface Session {
  readonly username: string;
  /** The user's id: the `sub` claim, which the API takes as the owner of photos. */
  readonly userId: string;
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch milliseconds at which the ID token expires. */
  readonly expiresAt: number;
}

const STORAGE_KEY = 'photo-sharing.session';

/** Tokens are renewed this long before they expire, so a request never carries one that expires on the way. */
const RENEW_MARGIN_MS = 60_000;

export class Auth {
  readonly #client: CognitoIdentityProviderClient;
  readonly #clientId: string;

  constructor(config: SiteConfig) {
    if (!config.userPoolClientId) {
      throw new Error('The site config names no user pool client. Declare `auth` in strato.config.ts.');
    }
    this.#clientId = config.userPoolClientId;
    this.#client = new CognitoIdentityProviderClient({ region: config.region, endpoint: config.cognitoEndpoint });
  }

  /** Creates an unconfirmed account. Cognito sends a code to the e-mail address. */
  async signUp(email: string, password: string): Promise<void> {
    await this.#client.send(new SignUpCommand({
      ClientId: this.#clientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: 'email', Value: email }],
    }));
  }

  async confirmSignUp(email: string, code: string): Promise<void> {
    await this.#client.send(new ConfirmSignUpCommand({ ClientId: this.#clientId, Username: email, ConfirmationCode: code }));
  }

  async resendCode(email: string): Promise<void> {
    await this.#client.send(new ResendConfirmationCodeCommand({ ClientId: this.#clientId, Username: email }));
  }

  async signIn(email: string, password: string): Promise<Session> {
    const output = await this.#client.send(new InitiateAuthCommand({
      ClientId: this.#clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }));
    if (!output.AuthenticationResult) {
      throw new Error(`Sign-in needs the ${output.ChallengeName ?? 'unknown'} challenge, which this page does not support.`);
    }
    const session = sessionOf(output.AuthenticationResult, undefined);
    saveSession(session);
    return session;
  }

  /** Returns a session whose ID token is valid for at least a minute, renewing it when needed. Returns undefined when signed out. */
  async currentSession(): Promise<Session | undefined> {
    const stored = loadSession();
    if (!stored || stored.expiresAt - Date.now() > RENEW_MARGIN_MS) return stored;

    try {
      const output = await this.#client.send(new InitiateAuthCommand({
        ClientId: this.#clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: stored.refreshToken },
      }));
      const session = sessionOf(output.AuthenticationResult!, stored.refreshToken);
      saveSession(session);
      return session;
    } catch {
      // A refresh token that expired or was revoked ends the session; the user signs in again.
      clearSession();
      return undefined;
    }
  }

  /** Signs out on every device, then forgets the tokens here even when the pool cannot be reached. */
  async signOut(session: Session): Promise<void> {
    try {
      await this.#client.send(new GlobalSignOutCommand({ AccessToken: session.accessToken }));
    } finally {
      clearSession();
    }
  }
}

/** Returns the message of a Cognito error for a person to read, such as "Incorrect username or password." */
export function describeAuthError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name;
    if (name === 'UsernameExistsException') return 'An account with this e-mail address exists already. Sign in instead.';
    if (name === 'CodeMismatchException') return 'That code is not right. Check it and try again.';
    if (name === 'ExpiredCodeException') return 'That code has expired. Ask for a new one.';
    if (name === 'UserNotConfirmedException') return 'This account is not confirmed yet. Enter the code you received.';
    return error.message;
  }
  return String(error);
}

function sessionOf(result: AuthenticationResultType, previousRefreshToken: string | undefined): Session {
  const idToken = result.IdToken!;
  const claims = decodeClaims(idToken);
  return {
    username: String(claims.email ?? claims['cognito:username'] ?? ''),
    userId: String(claims.sub),
    idToken,
    accessToken: result.AccessToken!,
    // REFRESH_TOKEN_AUTH returns no new refresh token; the old one stays valid.
    refreshToken: result.RefreshToken ?? previousRefreshToken!,
    expiresAt: Number(claims.exp) * 1000,
  };
}

/** Reads a JWT's claims without checking its signature: the API checks it; the page only shows them. */
function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(json, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

function loadSession(): Session | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? (JSON.parse(text) as Session) : undefined;
  } catch {
    return undefined;
  }
}

function saveSession(session: Session): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}
