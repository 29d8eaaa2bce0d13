import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/** Thrown when no AWS credentials or region are available; the message says how to provide them. */
export class MissingCredentialsError extends Error {
  constructor(detail: string) {
    super(`No AWS credentials found (${detail}). Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with \`aws sso login\`, then run the command again.`);
    this.name = 'MissingCredentialsError';
  }
}

/**
 * Resolves the user's credentials the way the AWS CLI does (environment,
 * shared config and credentials files, SSO, web identity), and fails fast
 * with a clear error when there are none. The instance metadata service is
 * not asked: Strato deploys from a developer's machine or CI, and asking it
 * elsewhere only waits for a timeout.
 */
export async function requireCredentials(): Promise<void> {
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  try {
    const credentials = await fromNodeProviderChain()();
    if (!credentials.accessKeyId) throw new MissingCredentialsError('the credential chain returned an empty key');
  } catch (error) {
    if (error instanceof MissingCredentialsError) throw error;
    throw new MissingCredentialsError((error as Error).message);
  }
}

/** Returns the regions to deploy to: the `--region` values, else AWS_REGION or AWS_DEFAULT_REGION. */
export function resolveRegions(requested: readonly string[]): string[] {
  if (requested.length > 0) return [...requested];
  const fromEnvironment = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (fromEnvironment) return [fromEnvironment];
  throw new Error('No region given: pass --region, such as --region us-east-1, or set AWS_REGION.');
}
