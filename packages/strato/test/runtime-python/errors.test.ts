/**
 * Failures of Python functions: handler exceptions, init errors, timeouts
 * and unserializable results, in the shapes Lambda returns for Python.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';

import { errorOf, fixtureFunctions, payloadOf, pythonFunction, startRuntime } from './helpers.ts';

const harness = startRuntime();
after(() => harness.close());

const sample = JSON.parse(readFileSync('/work/shared/samples/events/invoke-error-unhandled-python.json', 'utf8')) as { payload: Record<string, unknown> };

test('exception has the Python error shape', async () => {
  const fn = pythonFunction('fail');
  const result = await harness.runtime.invoke(fn, { humidity: 131 });
  const error = errorOf(result);

  // Python's error payload: errorMessage, errorType, requestId, stackTrace (RULES.md section 9, rule 1).
  assert.deepEqual(Object.keys(error).sort(), Object.keys(sample.payload).sort());
  assert.equal(error.errorType, 'ValueError');
  assert.equal(error.errorMessage, 'humidity 131 is not between 0 and 100');
  assert.equal(error.requestId, result.requestId);
  const stackTrace = error.stackTrace as string[];
  assert.equal(stackTrace.length, 1);
  assert.match(stackTrace[0]!, /^ {2}File ".*handlers\.py", line \d+, in fail\n {4}raise ValueError\(f"humidity \{humidity\} is not between 0 and 100"\)\n$/);
});

test('exception is logged on one line', async () => {
  const fn = pythonFunction('fail');
  const { requestId } = await harness.runtime.invoke(fn, { humidity: -4 });

  const lines = harness.logsOf(fn);
  const start = lines.indexOf(lines.find((line) => line.startsWith(`START RequestId: ${requestId}`))!);
  const end = lines.indexOf(`END RequestId: ${requestId}`);
  const logged = lines.slice(start + 1, end);

  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /^\[ERROR\] ValueError: humidity -4 is not between 0 and 100\rTraceback \(most recent call last\):\r {2}File /);
});

test('environment survives a handler exception', async () => {
  const { 'fail-twice': failing, 'count-after': count } = fixtureFunctions({
    'fail-twice': { handler: 'handlers.fail', runtime: 'python3.12', timeout: 10 },
    'count-after': { handler: 'handlers.count', runtime: 'python3.12', timeout: 10 },
  });

  await harness.runtime.invoke(failing, { humidity: 200 });
  await harness.runtime.invoke(failing, { humidity: 300 });

  const reports = harness.logsOf(failing).filter((line) => line.startsWith('REPORT'));
  assert.equal(reports.length, 2);
  // Only a cold start reports an init duration, so the second failure reused the environment.
  assert.match(reports[0]!, /Init Duration/);
  assert.doesNotMatch(reports[1]!, /Init Duration/);
  assert.deepEqual(payloadOf(await harness.runtime.invoke(count, {})), { invocations: 1 });
});

test('timeout kills the process', async () => {
  const { slow } = fixtureFunctions({ slow: { handler: 'handlers.sleep', runtime: 'python3.12', timeout: 5 } });
  // A warm environment first, so that the timeout falls in the invocation, not in the init phase.
  payloadOf(await harness.runtime.invoke(slow, { seconds: 0 }));

  const timedOut = await harness.runtime.invoke(slow, { seconds: 30 });
  const next = await harness.runtime.invoke(slow, { seconds: 0 });

  // Timeout payload and log line: RULES.md section 9, rule 2.
  const error = errorOf(timedOut);
  assert.equal(error.errorType, 'Sandbox.Timedout');
  assert.equal(error.errorMessage, `RequestId: ${timedOut.requestId} Error: Task timed out after 5.00 seconds`);
  const lines = harness.logsOf(slow);
  assert.ok(lines.some((line) => new RegExp(`^\\S+Z ${timedOut.requestId} Task timed out after 5\\.00 seconds$`).test(line)), lines.join('\n'));
  assert.match(String(lines.find((line) => line.startsWith(`REPORT RequestId: ${timedOut.requestId}`))), /\tStatus: timeout$/);
  // After a timeout the runtime process is restarted, so the next invocation is a cold start (RULES.md section 9, rule 2).
  assert.deepEqual(payloadOf(next), { slept: 0 });
  assert.match(String(lines.find((line) => line.startsWith(`REPORT RequestId: ${next.requestId}`))), /Init Duration/);
});

test('module that raises on import fails init', async () => {
  const { broken } = fixtureFunctions({ broken: { handler: 'broken.handler', runtime: 'python3.12', timeout: 10 } });

  const error = errorOf(await harness.runtime.invoke(broken, {}));

  assert.equal(error.errorType, 'RuntimeError');
  assert.equal(error.errorMessage, 'configuration file settings.toml is missing');
  assert.equal(error.requestId, '');
  assert.match(String((error.stackTrace as string[])[0]), /broken\.py", line 2, in <module>/);
});

test('missing handler function fails init', async () => {
  const { missing } = fixtureFunctions({ missing: { handler: 'handlers.nowhere', runtime: 'python3.12', timeout: 10 } });

  const error = errorOf(await harness.runtime.invoke(missing, {}));

  // Lambda's Python runtime names the function and the module.
  assert.equal(error.errorType, 'Runtime.HandlerNotFound');
  assert.equal(error.errorMessage, "Handler 'nowhere' missing on module 'handlers'");
});

test('unserializable result is a marshal error', async () => {
  const fn = pythonFunction('unserializable');

  const error = errorOf(await harness.runtime.invoke(fn, {}));

  assert.equal(error.errorType, 'Runtime.MarshalError');
  assert.equal(error.errorMessage, 'Unable to marshal response: Object of type object is not JSON serializable');
});

test('oversized response is an error', async () => {
  const fn = pythonFunction('oversized');

  const error = errorOf(await harness.runtime.invoke(fn, { bytes: 6_291_556 }));

  // A response over 6 MB: RULES.md section 9, rule 5.
  assert.equal(error.errorType, 'Function.ResponseSizeTooLarge');
  assert.equal(error.errorMessage, 'Response payload size exceeded maximum allowed payload size (6291556 bytes).');
});

test('printed and logged lines reach the log', async () => {
  const fn = pythonFunction('talk');
  const { requestId } = await harness.runtime.invoke(fn, { name: 'grace' });

  const lines = harness.logsOf(fn);
  const end = lines.indexOf(`END RequestId: ${requestId}`);
  const printed = lines.indexOf('printing grace');
  const logged = lines.findIndex((line) => line.endsWith(`\t${requestId}\tlogging grace`));

  assert.notEqual(printed, -1, lines.join('\n'));
  assert.ok(printed < end, lines.join('\n'));
  assert.notEqual(logged, -1, lines.join('\n'));
  assert.ok(logged < end, lines.join('\n'));
  // Lambda's Python log format: level, UTC time with milliseconds, request id, message.
  assert.match(lines[logged]!, /^\[INFO\]\t\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\t/);
});
