/**
 * The entry point of the `strato` command: wires the process (arguments,
 * output, signals) to `runCli`.
 */
import { runCli } from './run-cli.ts';

/** Settles on the first SIGINT or SIGTERM. A second signal while stopping exits at once. */
function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
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
