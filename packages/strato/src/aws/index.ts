export { buildAssets } from './assets.ts';
export type { FunctionAsset, TrafficShifting } from './functions.ts';
export { LINK_ACTIONS } from './grants.ts';
export { ServiceStack } from './service-stack.ts';
export { SharedStack } from './shared-stack.ts';
export { buildCdkApp, type RegionStacks, type SynthOptions } from './synth.ts';
export { MissingCredentialsError, requireCredentials, resolveRegions } from './credentials.ts';
export { deploy, destroy, diff, selectStacks, type ReleaseOptions } from './deploy.ts';
export { rollback, type RolledBack, type RollbackOptions } from './rollback.ts';
