/**
 * How to start the runtime process of a function whose runtime is not
 * Node.js. Python 3.12 is the one such runtime: the stdlib-only bootstrap
 * that ships with Strato, run by the host's Python.
 */
import path from 'node:path';

import type { FunctionModel } from '../../model/index.ts';

export interface RuntimeLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** Folder the handler path is relative to, the local counterpart of `/var/task`. */
  readonly taskRoot: string;
  /** `_HANDLER`: the module path from the task root and the function name, such as `src/ingest.handler`. */
  readonly handlerName: string;
  /** Folder of the bootstrap, the local counterpart of `/var/runtime`. */
  readonly runtimeDir: string;
}

/** Folder of the Python bootstrap in this package. */
export const PYTHON_RUNTIME_DIR = path.join(import.meta.dirname, '../../../runtimes/python');

/**
 * Interpreter that runs Python functions, read once: `STRATO_PYTHON` when
 * set, such as `python3.12` or a virtual environment's `bin/python`.
 * @default 'python3'
 */
const pythonCommand = process.env.STRATO_PYTHON ?? 'python3';

/** Returns whether the function runs in a process through the Runtime API rather than in a worker thread. */
export function runsInProcess(fn: FunctionModel): boolean {
  return fn.runtime === 'python3.12';
}

export function launchOf(fn: FunctionModel): RuntimeLaunch {
  const { taskRoot, modulePath } = taskRootOf(fn);
  return {
    command: pythonCommand,
    // -u: stdout and stderr unbuffered, so every line reaches the log before the invocation's END line.
    // -B: no __pycache__ folders in the application's source folders, as Lambda's read-only task root gets none.
    args: ['-u', '-B', path.join(PYTHON_RUNTIME_DIR, 'bootstrap.py')],
    taskRoot,
    handlerName: `${modulePath}.${fn.handlerExport}`,
    runtimeDir: PYTHON_RUNTIME_DIR,
  };
}

/**
 * Returns the task root and the module path of the handler within it. The
 * root is the application folder, so a handler imports the application's
 * packages by their path from there (`src/jobs.handler` imports `src.lib`).
 * A handler path that leaves the folder (`../x.handler`) gets its own folder
 * as the task root instead.
 */
function taskRootOf(fn: FunctionModel): { taskRoot: string; modulePath: string } {
  const modulePath = path.normalize(fn.handler.slice(0, fn.handler.lastIndexOf('.'))).replaceAll(path.sep, '/');
  const suffix = `${path.sep}${modulePath.replaceAll('/', path.sep)}.py`;
  if (!modulePath.startsWith('..') && fn.handlerFile.endsWith(suffix)) {
    return { taskRoot: fn.handlerFile.slice(0, -suffix.length) || path.sep, modulePath };
  }
  return { taskRoot: path.dirname(fn.handlerFile), modulePath: path.basename(fn.handlerFile, '.py') };
}
