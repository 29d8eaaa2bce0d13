/**
 * The function runtime: bundling, execution environments, the Lambda
 * context and scaling. The rest of Strato uses only what this file exports.
 */
export { FunctionRuntime, RUNTIME_DEFAULTS, type FunctionRuntimeOptions } from './function-runtime.ts';
export { bundleFunction, BUNDLE_FILE_NAME, EXTERNAL_PACKAGES, type FunctionBundle } from './bundle.ts';
export { checkHandlerExports } from './handler-exports.ts';
export { MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES } from './errors.ts';
export { LOCAL_CREDENTIALS } from './env-vars.ts';
export * from './types.ts';
export * from './channel.ts';
