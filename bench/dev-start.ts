/**
 * `strato dev` start to ready for the reference application: the time from
 * spawning the command to the line that reports the local cloud ready,
 * which `strato dev` prints once the gateway listens and the file watcher
 * runs. Functions are bundled on their first request, so that time is not
 * part of it.
 *
 * Run alone with `npx tsx bench/dev-start.ts`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const RUNS = 5;
/** Strato's target for `strato dev` start to ready with the reference application. */
const TARGET_MS = 1000;

const repositoryRoot = path.join(import.meta.dirname, '..');
const binPath = path.join(repositoryRoot, 'packages/strato/bin/strato.js');
const appDir = path.join(repositoryRoot, 'examples/photo-sharing');

/** Starts `strato dev`, waits for its ready line, stops it with SIGINT and returns the milliseconds to ready. */
function timeOneStart(): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, [binPath, 'dev', appDir, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let readyAfterMs: number | undefined;

    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (readyAfterMs === undefined && /Ready in \d+ ms/.test(output)) {
        readyAfterMs = performance.now() - startedAt;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (readyAfterMs !== undefined && code === 0) resolve(readyAfterMs);
      else reject(new Error(`strato dev exited with code ${code} ${readyAfterMs === undefined ? 'before it was ready' : 'after SIGINT'}:\n${output}`));
    });
  });
}

export async function run(): Promise<string[]> {
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) times.push(await timeOneStart());
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;

  return [
    `strato dev start to ready, examples/photo-sharing, ${RUNS} runs: median ${median.toFixed(0)} ms,`
      + ` fastest ${times[0]!.toFixed(0)} ms, slowest ${times.at(-1)!.toFixed(0)} ms`
      + ` (target under ${TARGET_MS} ms: ${median < TARGET_MS ? 'met' : 'missed'})`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await run()) process.stdout.write(line + '\n');
}
