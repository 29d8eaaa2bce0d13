/**
 * How the Node.js runtime of Lambda turns thrown values into the error
 * payload of an invocation and into its log line. Mirrors `toRapidResponse`
 * and `toFormatted` of aws-lambda-nodejs-runtime-interface-client 3.x, the
 * runtime interface client of the nodejs20.x runtime.
 */
import { types } from 'node:util';

import type { FunctionError } from '../types.ts';

function looksLikeError(value: unknown): value is Error {
  const candidate = value as Partial<Error> | null;
  return typeof candidate === 'object' && candidate !== null
    && typeof candidate.name === 'string' && typeof candidate.message === 'string' && typeof candidate.stack === 'string';
}

/** The invocation's error payload: the error's name and message, or for other values their type and `toString()`. */
export function toFunctionError(value: unknown): FunctionError {
  try {
    if (types.isNativeError(value) || looksLikeError(value)) {
      const error = value as Error;
      return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
    }
    // `toString` throws for null and undefined, which lands in the catch below, as in the runtime.
    return { errorType: typeof value, errorMessage: (value as { toString(): string }).toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/** The JSON the runtime appends to its `Invoke Error` log line, after a tab. */
export function formatErrorForLog(value: unknown): string {
  try {
    return '\t' + JSON.stringify(value, (_key, item: unknown) => withEnumerableProperties(item));
  } catch {
    return '\t' + JSON.stringify(toFunctionError(value));
  }
}

function withEnumerableProperties(value: unknown): unknown {
  if (!(value instanceof Error)) return value;

  const shown: Record<string, unknown> = {
    errorType: value.name,
    errorMessage: value.message,
    code: (value as Error & { code?: unknown }).code,
    ...value,
  };
  if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
  return shown;
}

/** The error of a handler module that could not be loaded, as the runtime names it. */
export function toInitError(error: unknown, handlerName: string): FunctionError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return { errorType: 'Runtime.ImportModuleError', errorMessage: String(error), trace: toFunctionError(error).trace ?? [] };
  }
  if (error instanceof SyntaxError) {
    return { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: String(error), trace: toFunctionError(error).trace ?? [] };
  }
  if (error === HANDLER_NOT_FOUND) {
    return { errorType: 'Runtime.HandlerNotFound', errorMessage: `${handlerName} is undefined or not exported`, trace: [] };
  }
  return toFunctionError(error);
}

/** Thrown by the bootstrap when the module has no handler function under the configured name. */
export const HANDLER_NOT_FOUND = Symbol('handler not found');
