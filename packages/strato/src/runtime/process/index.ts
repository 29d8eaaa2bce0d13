/**
 * Execution environments of functions whose runtime is not Node.js: a
 * process per environment that takes its invocations from a local Lambda
 * Runtime API. Python 3.12 runs this way, with the stdlib-only bootstrap in
 * `runtimes/python`.
 *
 * ```ts
 * if (runsInProcess(fn)) {
 *   const environment = new ProcessEnvironment({ fn, launch: launchOf(fn), tempDir, region, accountId, log, onEnded });
 *   const initError = await environment.start(requestId);
 *   const record = await environment.invoke(requestId, eventJson);
 * }
 * ```
 */
export { launchOf, runsInProcess, PYTHON_RUNTIME_DIR, type RuntimeLaunch } from './launch.ts';
export { ProcessEnvironment, type ProcessEnvironmentOptions } from './process-environment.ts';
export { RuntimeApiServer, type RuntimeApiHandlers, type RuntimeInvocation, type RuntimeResult } from './runtime-api-server.ts';
export { RESOURCE_PATH, serveResourceCall, type ResourceCaller } from './resource-endpoint.ts';
