/**
 * The entry point of the `strato` command: wires the process (arguments,
 * output, signals) to `runCli`.
 */
import { runCli } from './run-cli.ts';

/**
 * A second signal within this many milliseconds of the first is a duplicate:
 * on Ctrl-C under `npm start`, the terminal and npm can both send one.
 */
const DUPLICATE_SIGNAL_MS = 1000;

/** Settles on the first SIGINT or SIGTERM. A later signal, while stopping, exits at once. */
function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        resolve(signal);
      } else if (Date.now() - firstAt > DUPLICATE_SIGNAL_MS) {
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  print: (line) => process.stdout.write(line + '\n'),
  printError: (line) => process.stderr.write(line + '\n'),
  waitForStopSignal,
});
