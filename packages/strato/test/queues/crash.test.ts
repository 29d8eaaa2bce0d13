/**
 * Durability across SIGKILL: a child process sends queue messages and puts
 * stream records while its mappings deliver them, and it is killed at random
 * moments and restarted. Every message and record whose call returned must
 * reach its consumer after the restarts; duplicates are allowed, as delivery
 * is at least once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

const CHILD = path.join(import.meta.dirname, 'fixtures/crash-child.ts');
const ROUNDS = 3;

async function startChild(args: string[], acked: Set<string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`the child exited before it was ready (code ${code}, signal ${signal})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      else if (line.startsWith('ack ')) acked.add(line.split(' ')[2]!);
    });
  });
  await ready;
  return child;
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function delivered(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

test('acknowledged messages and records survive SIGKILL', async (t) => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-queue-crash-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const acked = new Set<string>();

  for (let round = 0; round < ROUNDS; round++) {
    const child = await startChild([stateDir, String(round)], acked);
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 600));
    await kill(child);
  }

  // A last run sends nothing new and lets the mappings catch up.
  const drain = await startChild([stateDir, 'drain', 'drain'], acked);
  t.after(() => kill(drain));
  const missing = () => {
    const seen = new Set([...delivered(path.join(stateDir, 'queue-delivered.log')), ...delivered(path.join(stateDir, 'stream-delivered.log'))]);
    return [...acked].filter((id) => !seen.has(id));
  };
  for (let attempt = 0; attempt < 300 && missing().length > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));

  assert.ok(acked.size > 0, 'the child acknowledged some calls before it was killed');
  assert.deepEqual(missing(), [], 'every acknowledged message and record was delivered');
});
