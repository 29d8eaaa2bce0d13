/**
 * `npm run bench`: runs every module in bench/ that exports
 * `run(): Promise<string[]>`, each in its own process so one benchmark's
 * workers, timers and memory do not affect the next, and prints their
 * report lines. Pass names to run only the matching modules:
 * `npm run bench -- gateway auth`.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const benchDir = import.meta.dirname;
const MODULE_FLAG = '--module';

/** Imports one module and prints its report lines; prints nothing for a module without `run`. */
async function runModule(file: string): Promise<void> {
  const module = (await import(pathToFileURL(file).href)) as { run?: unknown };
  if (typeof module.run !== 'function') return;
  const lines = (await (module.run as () => Promise<string[]>)()) ?? [];
  for (const line of lines) process.stdout.write(line + '\n');
}

/** Runs one module in a child process and returns its output, or the reason it failed. */
async function runInChild(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', import.meta.filename, MODULE_FLAG, file], {
      maxBuffer: 16 * 1024 * 1024,
      cwd: path.dirname(benchDir),
    });
    return { ok: true, output: stdout.trimEnd() };
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: [stdout?.trimEnd(), (stderr || message).trimEnd()].filter(Boolean).join('\n') };
  }
}

async function runAll(filters: readonly string[]): Promise<number> {
  const files = readdirSync(benchDir)
    .filter((name) => name.endsWith('.ts') && name !== path.basename(import.meta.filename))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort()
    .map((name) => path.join(benchDir, name));

  const cpus = os.cpus();
  process.stdout.write(`Strato benchmarks, ${new Date().toISOString()}: Node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0]!.toFixed(1)}\n\n`);

  let failures = 0;
  for (const file of files) {
    const startedAt = performance.now();
    const { ok, output } = await runInChild(file);
    if (output === '' && ok) continue;

    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    process.stdout.write(`${output}\n  (${path.basename(file)}, ${seconds} s${ok ? '' : ', FAILED'})\n\n`);
    if (!ok) failures++;
  }
  return failures === 0 ? 0 : 1;
}

const moduleIndex = process.argv.indexOf(MODULE_FLAG);
if (moduleIndex !== -1) {
  await runModule(process.argv[moduleIndex + 1]!);
} else {
  process.exitCode = await runAll(process.argv.slice(2));
}
