/**
 * Signs a user in to the application running in the local cloud, creating
 * and confirming the account first when needed, as a person would in the web
 * UI. Nothing is e-mailed locally, so the confirmation code comes from the
 * user pool's captured messages. The demo and the integration tests use it.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface LocalUser {
  readonly email: string;
  /** The ID token, which routes with `auth: true` take in the Authorization header. */
  readonly idToken: string;
  /** The user's id, the token's `sub` claim. */
  readonly userId: string;
}

interface SiteConfig {
  readonly region: string;
  readonly userPoolClientId?: string;
  readonly cognitoEndpoint?: string;
}

/** Returns a signed-in user with this e-mail address and password, signing up first if the account does not exist yet. */
export async function signInLocalUser(baseUrl: string, email: string, password: string): Promise<LocalUser> {
  // The same settings the web page loads.
  const config = await (await fetch(new URL('/strato-config.json', baseUrl))).json() as SiteConfig;
  if (!config.userPoolClientId || !config.cognitoEndpoint) {
    throw new Error(`${baseUrl}/strato-config.json names no user pool. Declare \`auth\` in strato.config.ts and serve a site.`);
  }
  const cognito = new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.cognitoEndpoint,
    // The calls below need no credentials. These placeholders keep the SDK from looking for any on the machine.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const clientId = config.userPoolClientId;

  try {
    await cognito.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
    const code = await capturedCode(config.cognitoEndpoint, email);
    await cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'UsernameExistsException')) throw error;
  }

  const output = await cognito.send(new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  }));
  cognito.destroy();
  const idToken = output.AuthenticationResult?.IdToken;
  if (!idToken) throw new Error(`Signing in ${email} returned no ID token but the ${output.ChallengeName} challenge.`);
  const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string };
  return { email, idToken, userId: claims.sub };
}

/** Reads the newest sign-up code captured for a user. */
async function capturedCode(cognitoEndpoint: string, email: string): Promise<string> {
  const response = await fetch(`${cognitoEndpoint}/messages?username=${encodeURIComponent(email)}`);
  const { messages } = await response.json() as { messages: { kind: string; code: string | null }[] };
  const code = messages.filter((message) => message.kind === 'sign-up').at(-1)?.code;
  if (!code) throw new Error(`The local user pool captured no sign-up code for ${email}. Captured messages: ${JSON.stringify(messages)}.`);
  return code;
}
