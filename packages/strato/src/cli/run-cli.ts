/**
 * Parses the command line and runs one command. Returns the exit code; only
 * `main.ts` touches the process.
 */
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import type { TrafficShifting } from '../aws/index.ts';
import { ModelError } from '../model/index.ts';
import type { LogLevel } from '../observe/logger.ts';
import type { AwsCommandOptions } from './commands/aws.ts';
import { HELP_TEXT } from './commands/help.ts';

// Each command module is imported when its command runs: the AWS commands load the CDK, which takes seconds.

/** Port of `strato dev` without `--port`. */
export const DEV_DEFAULT_PORT = 3000;

export interface CliIo {
  /** Writes a line of normal output. */
  readonly print: (line: string) => void;
  /** Writes a line of error output. */
  readonly printError: (line: string) => void;
  /** Starts listening for SIGINT and SIGTERM; the promise settles with the first signal's name. */
  readonly waitForStopSignal: () => Promise<string>;
}

/** Raised for command lines that cannot run: an unknown command or option, a missing value. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const AWS_OPTIONS = {
  stage: { type: 'string' },
  region: { type: 'string', multiple: true },
  service: { type: 'string', multiple: true },
  output: { type: 'string' },
  shifting: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const SHIFTING_VALUES: readonly TrafficShifting[] = ['all-at-once', 'canary', 'linear'];

export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.print(HELP_TEXT);
        return 0;
      case '-v':
      case '--version':
        io.print(await readVersion());
        return 0;
      case 'dev':
        return await runDev(rest, io);
      case 'invoke':
        return await runInvoke(rest, io);
      case 'synth':
      case 'diff':
      case 'deploy':
      case 'destroy':
      case 'rollback':
        return await runAws(command, rest, io);
      default:
        throw new UsageError(`unknown command "${command}". Run \`strato --help\` to list the commands.`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

async function runDev(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    verbose: { type: 'boolean' },
    quiet: { type: 'boolean' },
  }, 'dev');
  let logLevel: LogLevel = 'info';
  if (values.verbose) logLevel = 'verbose';
  else if (values.quiet) logLevel = 'quiet';

  const { devCommand } = await import('./commands/dev.ts');
  return devCommand({
    appDir: appDirOf(positionals, 'dev'),
    port: values.port === undefined ? DEV_DEFAULT_PORT : parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    logLevel,
    print: io.print,
    stopSignal: io.waitForStopSignal(),
  });
}

async function runInvoke(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { event: { type: 'string' } }, 'invoke');
  const [functionName, ...dirs] = positionals;
  if (functionName === undefined) throw new UsageError('name the function to run: strato invoke FUNCTION --event FILE [dir].');

  const { invokeCommand } = await import('./commands/invoke.ts');
  return invokeCommand({ appDir: appDirOf(dirs, 'invoke'), functionName, eventFile: values.event, print: io.print });
}

async function runAws(command: 'synth' | 'diff' | 'deploy' | 'destroy' | 'rollback', args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, AWS_OPTIONS, command);
  if (values.stage === undefined) throw new UsageError(`\`strato ${command}\` needs a stage: add --stage NAME, such as --stage dev.`);
  if (values.shifting !== undefined && !SHIFTING_VALUES.includes(values.shifting as TrafficShifting)) {
    throw new UsageError(`--shifting "${values.shifting}" is not valid. Use one of ${SHIFTING_VALUES.join(', ')}.`);
  }

  // `rollback SERVICE [dir]` takes the service as its first positional argument.
  const service = command === 'rollback' ? positionals[0] : undefined;
  const dirs = command === 'rollback' ? positionals.slice(1) : positionals;
  const options: AwsCommandOptions = {
    appDir: appDirOf(dirs, command),
    stage: values.stage,
    regions: (values.region ?? []).flatMap((region) => region.split(',')).map((region) => region.trim()).filter(Boolean),
    services: service === undefined ? values.service ?? [] : [service],
    output: values.output,
    shifting: values.shifting as TrafficShifting | undefined,
    print: io.print,
  };

  const { deployCommand, rollbackCommand, synthCommand } = await import('./commands/aws.ts');
  if (command === 'synth') return synthCommand(options);
  if (command === 'rollback') return rollbackCommand(options);
  return deployCommand(options, command);
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: T, command: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}. Run \`strato --help\` to see the options of \`strato ${command}\`.`);
  }
}

function appDirOf(positionals: readonly string[], command: string): string {
  if (positionals.length > 1) throw new UsageError(`\`strato ${command}\` takes one application folder, and received ${positionals.length}: ${positionals.join(' ')}.`);
  return path.resolve(positionals[0] ?? '.');
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${text}" is not a port. Use a whole number from 0 to 65535.`);
  return port;
}

async function readVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof ModelError || error instanceof UsageError) {
    io.printError(`error: ${error.message}`);
    return error instanceof UsageError ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.printError(`error: ${message}`);
  if (process.env.STRATO_DEBUG && error instanceof Error && error.stack) io.printError(error.stack);
  return 1;
}
