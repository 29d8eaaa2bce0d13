import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AsyncInvoker, type AsyncInvokerOptions } from '../../src/local/async/index.ts';
import type { FunctionModel } from '../../src/model/index.ts';
import { ServiceError } from '../../src/runtime/types.ts';
import { InProcessInvoker, OutcomeLog, functionModel, tempStateDir, type TestHandler } from './helpers.ts';

interface Setup {
  readonly asyncInvoker: AsyncInvoker;
  readonly invoker: InProcessInvoker;
  readonly log: OutcomeLog;
}

function setUp(
  t: { after(fn: () => Promise<void> | void): void },
  functions: readonly FunctionModel[],
  handlers: Readonly<Record<string, TestHandler>>,
  options: Partial<AsyncInvokerOptions> = {},
): Setup {
  const invoker = new InProcessInvoker(handlers);
  const log = new OutcomeLog();
  const asyncInvoker = new AsyncInvoker({
    stateDir: tempStateDir(t),
    invoker,
    getFunction: (id) => functions.find((fn) => fn.id === id),
    retryDelaysMs: [5, 10],
    throttleBackoffMs: 5,
    onOutcome: log.record,
    ...options,
  });
  t.after(() => asyncInvoker.close());
  return { asyncInvoker, invoker, log };
}

test('enqueue delivers the event once', async (t) => {
  const { asyncInvoker, invoker, log } = setUp(t, [functionModel('work')], { 'jobs.work': (event) => ({ echoed: event }) });

  const { requestId } = await asyncInvoker.enqueue('jobs.work', { n: 1 });
  const outcome = await log.waitFor((o) => o.requestId === requestId);

  assert.equal(outcome.type, 'succeeded');
  assert.deepEqual(invoker.calls, [{ functionId: 'jobs.work', event: { n: 1 }, requestId }]);
  assert.equal(asyncInvoker.pendingCount(), 0);
});

test('function errors retry twice then fail', async (t) => {
  const { asyncInvoker, invoker, log } = setUp(t, [functionModel('flaky')], {
    'jobs.flaky': () => { throw new Error('disk full'); },
  });

  const { requestId } = await asyncInvoker.enqueue('jobs.flaky', { day: '2026-07-01' });
  const outcome = await log.waitFor((o) => o.type === 'failed');

  // Lambda makes three attempts in all and reuses the request id for each (Lambda guide, invocation-async).
  assert.equal(invoker.calls.length, 3);
  assert.deepEqual(invoker.calls.map((c) => c.requestId), [requestId, requestId, requestId]);
  assert.equal(outcome.type === 'failed' && outcome.condition, 'RetriesExhausted');

  const failed = asyncInvoker.listFailed();
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.requestId, requestId);
  assert.deepEqual(failed[0]!.event, { day: '2026-07-01' });
  assert.equal(failed[0]!.error.errorMessage, 'disk full');
  assert.equal(failed[0]!.attempts, 3);
  assert.equal(failed[0]!.condition, 'RetriesExhausted');
  assert.equal(asyncInvoker.pendingCount(), 0);
});

test('a retry that succeeds ends delivery', async (t) => {
  let calls = 0;
  const { asyncInvoker, log } = setUp(t, [functionModel('once-flaky')], {
    'jobs.once-flaky': () => {
      calls += 1;
      if (calls === 1) throw new Error('first try fails');
      return 'ok';
    },
  });

  await asyncInvoker.enqueue('jobs.once-flaky', {});
  const outcome = await log.waitFor((o) => o.type === 'succeeded');

  assert.equal(outcome.attempts, 2);
  assert.deepEqual(asyncInvoker.listFailed(), []);
});

test('maxRetryAttempts 0 makes one attempt', async (t) => {
  const { asyncInvoker, invoker, log } = setUp(t, [functionModel('strict', { maxRetryAttempts: 0 })], {
    'jobs.strict': () => { throw new Error('no'); },
  });

  await asyncInvoker.enqueue('jobs.strict', {});
  await log.waitFor((o) => o.type === 'failed');

  assert.equal(invoker.calls.length, 1);
  assert.equal(asyncInvoker.listFailed()[0]!.attempts, 1);
});

test('throttles retry without counting attempts', async (t) => {
  let throttles = 0;
  const { asyncInvoker, log } = setUp(t, [functionModel('busy')], {
    'jobs.busy': () => {
      if (throttles < 3) {
        throttles += 1;
        throw new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
      }
      return 'done';
    },
  });

  await asyncInvoker.enqueue('jobs.busy', {});
  const outcome = await log.waitFor((o) => o.type === 'succeeded');

  assert.equal(throttles, 3);
  assert.equal(outcome.attempts, 1);
  assert.equal(log.outcomes.filter((o) => o.type === 'retrying' && o.reason === 'Throttled').length, 3);
});

test('events older than the maximum age fail', async (t) => {
  // The first attempt moves the clock past the maximum age of 60 seconds, so the retry finds the event too old.
  let clockOffsetMs = 0;
  const { asyncInvoker, invoker, log } = setUp(t, [functionModel('slow', { maxEventAgeSeconds: 60 })], {
    'jobs.slow': () => {
      clockOffsetMs += 61_000;
      throw new Error('still failing');
    },
  }, { now: () => Date.now() + clockOffsetMs });

  await asyncInvoker.enqueue('jobs.slow', {});
  const outcome = await log.waitFor((o) => o.type === 'failed');

  assert.equal(outcome.type === 'failed' && outcome.condition, 'EventAgeExceeded');
  assert.equal(invoker.calls.length, 1);
  assert.equal(asyncInvoker.listFailed()[0]!.error.errorMessage, 'still failing');
});

test('an unknown function fails without retries', async (t) => {
  const { asyncInvoker, log } = setUp(t, [], {});

  await asyncInvoker.enqueue('jobs.gone', { a: 1 });
  const outcome = await log.waitFor((o) => o.type === 'failed');

  assert.equal(outcome.type === 'failed' && outcome.condition, 'FunctionNotFound');
  assert.equal(asyncInvoker.listFailed()[0]!.error.errorType, 'ResourceNotFoundException');
});

test('enqueue rejects events over 1 MB', async (t) => {
  const { asyncInvoker } = setUp(t, [functionModel('work')], {});

  // Lambda's asynchronous payload limit is 1 MB (Invoke API reference).
  await assert.rejects(asyncInvoker.enqueue('jobs.work', { blob: 'x'.repeat(1_048_576) }), { name: 'RequestEntityTooLargeException', statusCode: 413 });
  assert.equal(asyncInvoker.pendingCount(), 0);
});

test('many events are all delivered', async (t) => {
  const seen = new Set<number>();
  const { asyncInvoker, log } = setUp(t, [functionModel('count')], { 'jobs.count': (event) => { seen.add((event as { n: number }).n); } }, { maxConcurrentDeliveries: 4 });

  for (let n = 0; n < 200; n++) await asyncInvoker.enqueue('jobs.count', { n });
  await log.waitFor(() => log.outcomes.filter((o) => o.type === 'succeeded').length === 200);

  assert.equal(seen.size, 200);
  assert.equal(asyncInvoker.pendingCount(), 0);
});

test('redrive delivers failed events again', async (t) => {
  let healthy = false;
  const { asyncInvoker, invoker, log } = setUp(t, [functionModel('fixable', { maxRetryAttempts: 0 })], {
    'jobs.fixable': () => {
      if (!healthy) throw new Error('dependency down');
      return 'ok';
    },
  });
  const { requestId } = await asyncInvoker.enqueue('jobs.fixable', { n: 1 });
  await log.waitFor((o) => o.type === 'failed');

  healthy = true;
  const moved = asyncInvoker.redriveFailed({ functionId: 'jobs.fixable' });
  const outcome = await log.waitFor((o) => o.type === 'succeeded');

  assert.equal(moved, 1);
  assert.deepEqual(asyncInvoker.listFailed(), []);
  assert.deepEqual(invoker.calls.map((c) => c.event), [{ n: 1 }, { n: 1 }]);
  assert.notEqual(outcome.requestId, requestId);
});
