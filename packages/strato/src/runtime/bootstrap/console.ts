/**
 * Replaces the console of the execution environment so that each call
 * becomes one log line in Lambda's text format:
 * `<ISO time>\t<request id>\t<LEVEL>\t<message>`. Lines written during init,
 * before any invocation, carry the request id `undefined`, as on Lambda.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
import { format } from 'node:util';

type Level = 'INFO' | 'WARN' | 'ERROR' | 'DEBUG' | 'TRACE' | 'FATAL';

export function installConsole(currentRequestId: () => string | undefined, send: (line: string) => void): void {
  const write = (level: Level) => (...args: unknown[]) => {
    send(`${new Date().toISOString()}\t${currentRequestId()}\t${level}\t${format(...args)}`);
  };

  console.log = write('INFO');
  console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = write('TRACE');
  (console as Console & { fatal?: (...args: unknown[]) => void }).fatal = write('FATAL');
}
