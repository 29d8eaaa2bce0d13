import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

import { AsyncInvoker } from '../../src/local/async/index.ts';
import { InProcessInvoker, OutcomeLog, functionModel, tempStateDir } from './helpers.ts';

const work = functionModel('work');

function reopen(stateDir: string, invoker: InProcessInvoker, log: OutcomeLog): AsyncInvoker {
  return new AsyncInvoker({ stateDir, invoker, getFunction: (id) => (id === work.id ? work : undefined), onOutcome: log.record });
}

test('events enqueued before close are delivered after reopening', async (t) => {
  const stateDir = tempStateDir(t);
  const unused = new InProcessInvoker({});
  const first = reopen(stateDir, unused, new OutcomeLog());
  // close() runs before the delivery loop's first turn, so nothing is delivered yet.
  await first.enqueue(work.id, { n: 1 });
  await first.enqueue(work.id, { n: 2 });
  await first.close();
  assert.equal(unused.calls.length, 0);

  const invoker = new InProcessInvoker({ 'jobs.work': () => 'ok' });
  const log = new OutcomeLog();
  const second = reopen(stateDir, invoker, log);
  t.after(() => second.close());
  await log.waitFor(() => log.outcomes.filter((o) => o.type === 'succeeded').length === 2);

  assert.deepEqual(invoker.calls.map((c) => c.event).sort((a, b) => (a as { n: number }).n - (b as { n: number }).n), [{ n: 1 }, { n: 2 }]);
  assert.equal(second.pendingCount(), 0);
});

test('acknowledged events survive SIGKILL', async (t) => {
  const stateDir = tempStateDir(t);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/enqueue-until-killed.ts'), stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));

  // Kill the child while it is still enqueueing, after 50 acknowledgements.
  let acked = -1;
  for await (const line of createInterface({ input: child.stdout })) {
    acked = Number(line.split(' ')[1]);
    if (acked >= 50) {
      child.kill('SIGKILL');
      break;
    }
  }
  await new Promise((resolve) => child.once('exit', resolve));

  const delivered = new Set<number>();
  const invoker = new InProcessInvoker({ 'jobs.work': (event) => { delivered.add((event as { n: number }).n); } });
  const log = new OutcomeLog();
  const reopened = reopen(stateDir, invoker, log);
  t.after(() => reopened.close());
  const stored = reopened.pendingCount();
  await log.waitFor(() => log.outcomes.length === stored);

  // Every acknowledged event is delivered; one written but not yet acknowledged may be delivered too.
  for (let n = 0; n <= acked; n++) assert.ok(delivered.has(n), `event ${n} was acknowledged but not delivered`);
  assert.ok(stored >= acked + 1);
});
