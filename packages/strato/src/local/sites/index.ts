export { buildSite } from './build.ts';
export { SITE_CONFIG_PATH, SiteServer, type SiteRuntimeConfig } from './site-server.ts';
