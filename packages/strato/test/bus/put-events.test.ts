/**
 * PutEvents validation, as the EventBridge API reference describes
 * `PutEvents`, `PutEventsRequestEntry` and `PutEventsResultEntry`.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { appWithRules, entry, openBus, RecordingTargets, tempStateDir } from './helpers.ts';

const state = tempStateDir();
const { bus } = openBus({ stateDir: state.dir, app: appWithRules({}), targets: new RecordingTargets() });
after(async () => {
  await bus.close();
  state.remove();
});

test('putEvents returns an event id per entry', () => {
  const result = bus.putEvents([entry({ id: 'p1' }), entry({ id: 'p2' })]);

  assert.equal(result.FailedEntryCount, 0);
  assert.equal(result.Entries.length, 2);
  for (const resultEntry of result.Entries) {
    assert.ok('EventId' in resultEntry);
    assert.match(resultEntry.EventId, /^[0-9a-f-]{36}$/);
  }
});

test('putEvents reports invalid entries one by one', () => {
  const result = bus.putEvents([
    entry({ ok: true }),
    { DetailType: 'PhotoReady', Detail: '{}' },
    { Source: 'photos', Detail: '{}' },
    { Source: 'photos', DetailType: 'PhotoReady' },
    entry(['not', 'an', 'object']),
    { Source: 'photos', DetailType: 'PhotoReady', Detail: '{"unterminated":' },
    entry('text'),
  ]);

  assert.equal(result.FailedEntryCount, 6);
  assert.ok('EventId' in result.Entries[0]!);
  assert.deepEqual(result.Entries.slice(1), [
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' },
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
    { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' },
    { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
  ]);
});

test('putEvents rejects an empty or oversized batch', () => {
  assert.throws(() => bus.putEvents([]), { name: 'ValidationException' });
  assert.throws(() => bus.putEvents(Array.from({ length: 11 }, () => entry({}))), { name: 'ValidationException', message: /at most 10/ });
  assert.throws(() => bus.putEvents('not a list'), { name: 'ValidationException' });
});

test('putEvents limits the total entry size to 256 KiB', () => {
  // Source and DetailType add 30 bytes to the detail's size.
  const detailBytes = 256 * 1024 - 30;
  const fits = entry({ text: 'x'.repeat(detailBytes - 11) });
  assert.equal(Buffer.byteLength(fits.Detail), detailBytes);
  assert.equal(bus.putEvents([fits]).FailedEntryCount, 0);

  const over = entry({ text: 'x'.repeat(detailBytes - 10) });
  assert.throws(() => bus.putEvents([over]), { name: 'ValidationException', message: /262145 bytes, the maximum is 262144/ });
});
