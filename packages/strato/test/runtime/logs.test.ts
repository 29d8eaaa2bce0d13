import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import type { InvocationReport } from '../../src/runtime/index.ts';
import { fixtureFunction, startRuntime } from './helpers.ts';

const harness = startRuntime();
after(() => harness.close());

const ISO_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z`;

test('invocation logs START, handler lines, END and REPORT', async () => {
  const fn = fixtureFunction('logs', { handler: 'logs.handler' });
  const { requestId } = await harness.runtime.invoke(fn, { name: 'Ada' });
  const lines = harness.logsOf(fn);
  const start = lines.indexOf(`START RequestId: ${requestId} Version: $LATEST`);
  const end = lines.indexOf(`END RequestId: ${requestId}`);

  assert.notEqual(start, -1, lines.join('\n'));
  assert.ok(end > start, lines.join('\n'));
  // The raw stdout line travels on its own stream, so its place among the others varies.
  const during = lines.slice(start + 1, end).filter((line) => line !== 'raw stdout line');
  assert.match(during[0]!, new RegExp(`^${ISO_TIME}\\t${requestId}\\tINFO\\thello Ada$`));
  assert.match(during[1]!, new RegExp(`^${ISO_TIME}\\t${requestId}\\tERROR\\tsomething went wrong$`));
  assert.match(during[2]!, new RegExp(`^${ISO_TIME}\\t${requestId}\\tWARN\\tcareful$`));
  assert.match(lines[end + 1]!, new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d{2} ms$`));
});

test('lines logged during init carry no request id', async () => {
  const fn = fixtureFunction('logs', { handler: 'logs.handler' });
  await harness.runtime.invoke(fn, { name: 'Grace' });

  assert.ok(harness.logsOf(fn).some((line) => new RegExp(`^${ISO_TIME}\\tundefined\\tINFO\\tloading module$`).test(line)));
});

test('raw stdout writes reach the log', async () => {
  const fn = fixtureFunction('logs', { handler: 'logs.handler' });
  await harness.runtime.invoke(fn, { name: 'Linus' });

  // The worker's stdout is a stream of its own, so its lines may arrive after END.
  for (let attempt = 0; attempt < 100 && !harness.logsOf(fn).includes('raw stdout line'); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(harness.logsOf(fn).includes('raw stdout line'), harness.logsOf(fn).join('\n'));
});

test('only a cold start reports Init Duration', async () => {
  const fn = fixtureFunction('counter', { handler: 'counter.handler' });
  const first = await harness.runtime.invoke(fn, {});
  const second = await harness.runtime.invoke(fn, {});
  const reportOf = (requestId: string) => harness.logsOf(fn).find((line) => line.startsWith(`REPORT RequestId: ${requestId}\t`)) ?? '';

  const cold = /\tDuration: ([\d.]+) ms\tBilled Duration: (\d+) ms\t.*\tInit Duration: ([\d.]+) ms$/.exec(reportOf(first.requestId));
  assert.ok(cold, reportOf(first.requestId));
  // Lambda bills the init phase too: billed = ceil(duration + init duration).
  // The printed durations are rounded to 0.01 ms, so the sum may sit just across a whole millisecond.
  const printedSum = Number(cold[1]) + Number(cold[3]);
  assert.ok([Math.ceil(printedSum - 0.01), Math.ceil(printedSum + 0.01)].includes(Number(cold[2])), reportOf(first.requestId));
  assert.doesNotMatch(reportOf(second.requestId), /Init Duration/);
  assert.match(reportOf(second.requestId), /\tMax Memory Used: \d+ MB$/);
});

test('reports reach onReport with their figures', async (t) => {
  const reports: InvocationReport[] = [];
  const reporting = startRuntime({ onReport: (report) => reports.push(report) });
  t.after(() => reporting.close());
  const fn = fixtureFunction('throws', { handler: 'throws.handler', memory: 256 });

  const cold = await reporting.runtime.invoke(fn, { speed: 1 });
  const warm = await reporting.runtime.invoke(fn, { speed: 2 });

  assert.deepEqual(reports.map((report) => report.requestId), [cold.requestId, warm.requestId]);
  assert.equal(reports[0]!.functionId, 'handlers.throws');
  assert.equal(reports[0]!.memorySizeMB, 256);
  assert.equal(reports[0]!.errorType, 'RangeError');
  assert.ok(reports[0]!.initDurationMs! > 0);
  assert.equal(reports[0]!.billedDurationMs, Math.max(1, Math.ceil(reports[0]!.durationMs + reports[0]!.initDurationMs!)));
  assert.equal(reports[1]!.initDurationMs, undefined);
  assert.ok(reports[1]!.maxMemoryUsedMB > 0);
});
