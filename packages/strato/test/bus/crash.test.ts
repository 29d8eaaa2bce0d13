/**
 * Durability across SIGKILL: a child process puts bus events and streamed
 * table items while it is killed at random moments and restarted. Every
 * event and item whose put was acknowledged must reach its target after the
 * restarts; duplicates are allowed, as delivery is at least once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

const CHILD = path.join(import.meta.dirname, 'fixtures/crash-child.ts');
const ROUNDS = 4;

interface Acks {
  readonly bus: Set<string>;
  readonly items: Set<string>;
}

/** Starts the child and resolves once it takes commands. */
async function startChild(stateDir: string, acks: Acks): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, stateDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Writes to a killed child fail with EPIPE; those commands were never acknowledged.
  child.stdin!.on('error', () => {});
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`the child exited before it was ready (code ${code}, signal ${signal})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve();
      const [, kind, id] = line.split(' ');
      if (kind === 'bus') acks.bus.add(id!);
      else if (kind === 'item') acks.items.add(id!);
    });
  });
  await ready;
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function delivered(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

test('acknowledged events and stream records survive SIGKILL', async (t) => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'strato-bus-crash-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const acks: Acks = { bus: new Set(), items: new Set() };
  let nextItem = 0;

  for (let round = 0; round < ROUNDS; round++) {
    const child = await startChild(stateDir, acks);
    const killAt = Date.now() + 100 + Math.random() * 500;
    while (Date.now() < killAt) {
      child.stdin!.write(`bus 5\nitem i${nextItem++}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill('SIGKILL');
    await exited(child);
  }

  // A last run delivers what the killed ones left, then stops cleanly when its input ends.
  const child = await startChild(stateDir, acks);
  const busLog = path.join(stateDir, 'bus-delivered.log');
  const streamLog = path.join(stateDir, 'stream-delivered.log');
  const deadline = Date.now() + 30_000;
  const missing = () => ({
    bus: [...acks.bus].filter((id) => !new Set(delivered(busLog)).has(id)),
    items: [...acks.items].filter((id) => !new Set(delivered(streamLog)).has(id)),
  });
  while (Date.now() < deadline) {
    const { bus, items } = missing();
    if (bus.length === 0 && items.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.stdin!.end();
  await exited(child);

  const { bus, items } = missing();
  const busDeliveries = delivered(busLog);
  const streamDeliveries = delivered(streamLog);
  t.diagnostic(`${acks.bus.size} events acknowledged, ${busDeliveries.length - new Set(busDeliveries).size} delivered twice or more`);
  t.diagnostic(`${acks.items.size} items acknowledged, ${streamDeliveries.length - new Set(streamDeliveries).size} stream records delivered twice or more`);

  assert.ok(acks.bus.size > 0, 'the children acknowledged no events');
  assert.ok(acks.items.size > 0, 'the children acknowledged no items');
  assert.deepEqual(bus, [], 'acknowledged events that never reached the target');
  assert.deepEqual(items, [], 'acknowledged items whose stream record never reached the consumer');
});
