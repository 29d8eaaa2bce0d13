/**
 * Two channels, as the CLI and the local cloud need them: a levelled user
 * logger for what people running Strato should see, and debug channels that
 * stay silent unless `STRATO_DEBUG` names them (`STRATO_DEBUG=gateway,runtime`
 * or `STRATO_DEBUG=*`).
 */
import { format } from 'node:util';

export type LogLevel = 'quiet' | 'info' | 'verbose';

export interface Logger {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  verbose(message: string, ...args: unknown[]): void;
}

/** Where log lines go; tests pass a function that collects them. */
export type LogSink = (line: string) => void;

const LEVEL_RANK: Record<LogLevel, number> = { quiet: 0, info: 1, verbose: 2 };

export function createLogger(options: { level?: LogLevel; sink?: LogSink } = {}): Logger {
  const rank = LEVEL_RANK[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));

  return {
    info: (message, ...args) => { if (rank >= 1) sink(format(message, ...args)); },
    warn: (message, ...args) => { if (rank >= 1) sink(format(`warning: ${message}`, ...args)); },
    // Errors show even in quiet mode.
    error: (message, ...args) => sink(format(`error: ${message}`, ...args)),
    verbose: (message, ...args) => { if (rank >= 2) sink(format(message, ...args)); },
  };
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = createLogger({ level: 'quiet', sink: () => {} });

const enabledChannels = new Set((process.env.STRATO_DEBUG ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/** Returns a debug function for one channel; it prints only when `STRATO_DEBUG` enables the channel. */
export function debug(channel: string): (message: string, ...args: unknown[]) => void {
  if (!enabledChannels.has(channel) && !enabledChannels.has('*')) return () => {};
  return (message, ...args) => process.stderr.write(`[${channel}] ${format(message, ...args)}\n`);
}
