export { buildAssets } from './assets.ts';
export type { FunctionAsset, TrafficShifting } from './functions.ts';
export { LINK_ACTIONS } from './grants.ts';
export { ServiceStack } from './service-stack.ts';
export { SharedStack } from './shared-stack.ts';
export { buildCdkApp, type RegionStacks, type SynthOptions } from './synth.ts';
