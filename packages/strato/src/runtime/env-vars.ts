/**
 * The environment variables of one execution environment: Lambda's runtime
 * variables, the function's own variables (which carry the linked resource
 * names) and local credentials. Nothing comes from the host's environment
 * except PATH, which Lambda also sets, so that handlers can start programs.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
import path from 'node:path';

import type { FunctionModel } from '../model/index.ts';

/** Credentials handed to every function; the local cloud never checks them, and AWS would reject them. */
export const LOCAL_CREDENTIALS = Object.freeze({
  AWS_ACCESS_KEY_ID: 'ASIASTRATOLOCAL00000',
  AWS_SECRET_ACCESS_KEY: 'strato-local-secret-key-not-valid-on-aws',
  AWS_SESSION_TOKEN: 'strato-local-session-token',
});

export interface EnvironmentVariablesInput {
  readonly fn: FunctionModel;
  readonly region: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly handlerName: string;
  /** Folder of the function's bundle, the local counterpart of `/var/task`. */
  readonly taskRoot: string;
  /** Folder of the bootstrap, the local counterpart of `/var/runtime`. */
  readonly runtimeDir: string;
  /** The environment's own temp folder, the local counterpart of `/tmp`. */
  readonly tempDir: string;
}

export function lambdaEnvironment(input: EnvironmentVariablesInput): Record<string, string> {
  const { fn } = input;
  return {
    // The function's variables first: Lambda reserves the runtime keys below, so those win.
    ...fn.environment,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.physicalName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMB),
    AWS_LAMBDA_LOG_GROUP_NAME: input.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    _HANDLER: input.handlerName,
    // NOTE: a worker thread shares the process's time zone, so Date follows
    // this variable only when the local cloud itself runs with TZ=UTC.
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    // NOTE: AWS_LAMBDA_RUNTIME_API is left out: worker environments take their
    // invocations over a message port, and no Runtime API listens for them.
    TMPDIR: input.tempDir,
    TMP: input.tempDir,
    TEMP: input.tempDir,
    ...LOCAL_CREDENTIALS,
  };
}

/** Log group Lambda creates for a function. */
export function logGroupName(fn: FunctionModel): string {
  return `/aws/lambda/${fn.physicalName}`;
}

/** Returns the task root of a bundle: the folder that contains `index.mjs`. */
export function taskRootOf(bundleFile: string): string {
  return path.dirname(bundleFile);
}
