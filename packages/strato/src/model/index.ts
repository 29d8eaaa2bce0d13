export type * from './config.ts';
export type * from './model.ts';
export { findFunction } from './model.ts';
export { ModelError, type ModelProblem } from './problems.ts';
export { resolveApp, FUNCTION_DEFAULTS } from './resolve.ts';
export { loadApp, CONFIG_FILE } from './load.ts';
export { parseRouteKey } from './routes.ts';
