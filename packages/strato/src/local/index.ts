/** The local cloud. The rest of Strato and its users start it through this file. */
export { LocalCloud, type LocalCloudOptions, type LocalCloudParts } from './cloud.ts';
export { Gateway, GATEWAY_LIMITS, PortInUseError, type GatewayOptions } from './gateway/index.ts';
export { StateDirInUseError } from './state-lock.ts';
