/**
 * The settings the platform serves beside the page at `/strato-config.json`:
 * locally the local cloud answers it, on AWS the deployment writes it. The
 * page holds no URL or pool id of its own.
 */
export interface SiteConfig {
  /** Base URL of the API; empty means the page's own origin. */
  readonly apiUrl: string;
  readonly region: string;
  readonly userPoolId?: string;
  readonly userPoolClientId?: string;
  /** Endpoint of the Cognito API; set locally, absent on AWS where the SDK derives it from the region. */
  readonly cognitoEndpoint?: string;
}

export const CONFIG_PATH = '/strato-config.json';

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch(CONFIG_PATH, { cache: 'no-cache' });
  if (!response.ok) {
    throw new Error(`${CONFIG_PATH} returned HTTP ${response.status}. Serve the page with \`strato dev\` or a Strato deployment, which provide it.`);
  }
  const config = (await response.json()) as SiteConfig;
  if (typeof config.region !== 'string' || typeof config.apiUrl !== 'string') {
    throw new Error(`${CONFIG_PATH} lacks "region" or "apiUrl"; received ${JSON.stringify(config)}.`);
  }
  return config;
}

/** The local cloud captures the codes that Cognito would e-mail; only then can the page point to them. */
export function isLocalCloud(config: SiteConfig): boolean {
  return config.cognitoEndpoint?.includes('/_strato/cognito') ?? false;
}
