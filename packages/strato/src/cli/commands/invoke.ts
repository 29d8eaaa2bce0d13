/**
 * `strato invoke FUNCTION --event FILE [dir]`: runs one function once in the
 * local cloud, with its linked resources, and prints its logs and result.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { LocalCloud } from '../../local/index.ts';
import { findFunction, loadApp, type AppModel, type FunctionModel } from '../../model/index.ts';

export interface InvokeCommandOptions {
  readonly appDir: string;
  /** Function id (`service.name`), physical name, or a name unique in the application. */
  readonly functionName: string;
  /** Path of a JSON file with the event; without it the event is `{}`. */
  readonly eventFile?: string;
  /** Writes one line of output. @default standard output */
  readonly print?: (line: string) => void;
}

/** Runs the function once; returns 0 when it succeeded and 1 when it returned a function error. */
export async function invokeCommand(options: InvokeCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  const app = await loadApp(options.appDir);
  const fn = functionNamed(app, options.functionName);
  const event = options.eventFile === undefined ? {} : await readEvent(options.eventFile);

  // The local cloud serves the function's linked resources; its gateway listens on any free port.
  const cloud = await LocalCloud.start({ app, port: 0, logLevel: 'info', logSink: print });
  try {
    const result = await cloud.parts.runtime.invoke(fn, event);
    if (result.ok) {
      print(JSON.stringify(result.payload, null, 2));
      return 0;
    }
    print(JSON.stringify(result.error, null, 2));
    return 1;
  } finally {
    await cloud.stop();
  }
}

function functionNamed(app: AppModel, name: string): FunctionModel {
  const fn = findFunction(app, name);
  if (fn) return fn;

  const known = app.functions.map((candidate) => candidate.id).join(', ') || 'none';
  throw new Error(`no function "${name}" in application "${app.name}". Name one of its functions (${known}) as service.name, or by a name unique in the application.`);
}

async function readEvent(file: string): Promise<unknown> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the event file ${absolute}: ${(error as Error).message}. Pass the path of a JSON file with --event.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`the event file ${absolute} is not valid JSON: ${(error as Error).message}.`);
  }
}
