/**
 * The process that the crash test kills: the whole local cloud of the
 * fixture application, on port 0, over the state folder given as its first
 * argument. Its consumers append what they receive to `delivered.log` in that
 * folder. It prints `ready <url>` once the gateway listens, and stops cleanly
 * when its standard input ends.
 */
import path from 'node:path';

import { LocalCloud } from '../../src/local/index.ts';
import { loadApp } from '../../src/model/index.ts';

const stateDir = process.argv[2]!;
// The config reads this when it loads, and passes it to the consumers' environments.
process.env.CRASH_DELIVERED_LOG = path.join(stateDir, 'delivered.log');

const app = await loadApp(path.join(import.meta.dirname, 'fixture-app'), { checkExports: false });
// Verbose, so that the failed batches and retries behind a failure are in the log the test prints.
const cloud = await LocalCloud.start({ app, port: 0, stateDir, logLevel: 'verbose' });
process.stdout.write(`ready ${cloud.url}\n`);

process.stdin.resume();
process.stdin.once('end', () => {
  cloud.stop().then(() => process.exit(0), (error: unknown) => {
    process.stderr.write(`the local cloud did not stop cleanly: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
});
