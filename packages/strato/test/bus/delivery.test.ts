import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { AwsError } from '../../src/local/router/index.ts';
import { appWithRules, entry, openBus, RecordingTargets, tempStateDir } from './helpers.ts';

const samples = path.join(import.meta.dirname, '../../../../../shared/samples/events');
const sample = JSON.parse(readFileSync(path.join(samples, 'eventbridge.json'), 'utf8')) as Record<string, unknown>;

const photoReadyRule = {
  ready: { pattern: { source: ['photo-sharing.photos'], 'detail-type': ['PhotoReady'] }, targets: [{ function: 'follow' }, { queue: 'inbox' }] },
};
const fastRetries = { baseDelayMs: 1, maxDelayMs: 2 };

test('bus delivers a matching event to function and queue targets', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  const { bus, nextOutcome } = openBus({ stateDir: state.dir, app: appWithRules(photoReadyRule), targets, region: 'us-east-2', accountId: '123456789012' });

  const detail = { id: 'p1', owner: null, thumbnails: [{ width: 320 }], createdAt: 1783001620 };
  const result = bus.putEvents([entry(detail, { Resources: ['arn:aws:s3:::demo/p1.jpg'] })]);
  const eventId = (result.Entries[0] as { EventId: string }).EventId;
  await nextOutcome();
  await nextOutcome();
  await bus.close();
  state.remove();

  assert.equal(targets.invoked.length, 1);
  const { functionId, event } = targets.invoked[0]!;
  assert.equal(functionId, 'feed.follow');
  // Same fields in the same order as the sample EventBridge event.
  assert.deepEqual(Object.keys(event), Object.keys(sample));
  assert.equal(event.id, eventId);
  assert.equal(event.version, '0');
  assert.equal(event['detail-type'], 'PhotoReady');
  assert.equal(event.source, 'photo-sharing.photos');
  assert.equal(event.account, '123456789012');
  assert.equal(event.region, 'us-east-2');
  assert.deepEqual(event.resources, ['arn:aws:s3:::demo/p1.jpg']);
  // The detail arrives as an object with its JSON types kept, and the time in whole seconds.
  assert.deepEqual(event.detail, detail);
  assert.match(event.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

  // A queue target receives the event itself as the message body.
  assert.equal(targets.sent.length, 1);
  assert.equal(targets.sent[0]!.queueId, 'feed.inbox');
  assert.deepEqual(JSON.parse(targets.sent[0]!.body), event);
});

test('bus skips events that match no rule', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  const { bus, nextOutcome } = openBus({ stateDir: state.dir, app: appWithRules(photoReadyRule), targets });

  bus.putEvents([entry({ id: 'x' }, { DetailType: 'PhotoDeleted' }), entry({ id: 'y' })]);
  const outcomes = [await nextOutcome(), await nextOutcome()];
  await bus.close();
  state.remove();

  // Only the second event matched, once per target.
  assert.deepEqual(outcomes.map((outcome) => outcome.type), ['delivered', 'delivered']);
  assert.deepEqual(targets.invoked.map((call) => (call.event.detail as { id: string }).id), ['y']);
  assert.equal(targets.sent.length, 1);
});

test('bus retries a failing target until it succeeds', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  targets.failures.set('feed.follow', [new AwsError('TooManyRequestsException', 'Rate exceeded'), new AwsError('ServiceException', 'busy')]);
  const rules = { ready: { pattern: { source: ['photo-sharing.photos'] }, targets: [{ function: 'follow' }] } };
  const { bus, nextOutcome } = openBus({ stateDir: state.dir, app: appWithRules(rules), targets, retry: fastRetries });

  bus.putEvents([entry({ id: 'p1' })]);
  const outcomes = [await nextOutcome(), await nextOutcome(), await nextOutcome()];
  await bus.close();
  state.remove();

  assert.deepEqual(outcomes.map((outcome) => outcome.type), ['retrying', 'retrying', 'delivered']);
  assert.deepEqual(outcomes.map((outcome) => outcome.attempts), [1, 2, 3]);
  assert.equal(targets.invoked.length, 1);
});

test('bus dead-letters a target that keeps failing', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  targets.failures.set('feed.inbox', [new Error('disk full'), new Error('disk full'), new Error('disk full')]);
  const rules = { ready: { pattern: { source: ['photo-sharing.photos'] }, targets: [{ queue: 'inbox' }] } };
  const { bus, nextOutcome } = openBus({
    stateDir: state.dir, app: appWithRules(rules), targets, retry: { ...fastRetries, maximumRetryAttempts: 2 }, region: 'us-east-2', accountId: '123456789012',
  });

  const result = bus.putEvents([entry({ id: 'p1' })]);
  const outcomes = [await nextOutcome(), await nextOutcome(), await nextOutcome()];
  assert.deepEqual(outcomes.map((outcome) => outcome.type), ['retrying', 'retrying', 'dead-lettered']);

  const [letter, ...others] = bus.listDeadLetters();
  assert.equal(others.length, 0);
  assert.ok(letter);
  assert.equal(letter.event.id, (result.Entries[0] as { EventId: string }).EventId);
  assert.equal(letter.errorCode, 'Error');
  assert.equal(letter.errorMessage, 'disk full');
  assert.equal(letter.exhaustedRetryCondition, 'MaximumRetryAttempts');
  assert.equal(letter.retryAttempts, 2);
  assert.equal(letter.ruleArn, 'arn:aws:events:us-east-2:123456789012:rule/demo-bus/demo-feed-ready');
  assert.equal(letter.targetArn, 'arn:aws:sqs:us-east-2:123456789012:demo-feed-inbox');
  assert.equal(bus.pendingCount(), 0);

  // Once the target works again, a redrive delivers the event.
  assert.equal(bus.redriveDeadLetters(), 1);
  assert.equal((await nextOutcome()).type, 'delivered');
  assert.deepEqual(bus.listDeadLetters(), []);
  assert.equal(JSON.parse(targets.sent[0]!.body).id, letter.event.id);

  await bus.close();
  state.remove();
});

test('bus dead-letters permanent errors without retries', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  targets.failures.set('feed.follow', [new AwsError('RequestEntityTooLargeException', 'Request must be smaller than 1048576 bytes')]);
  const rules = { ready: { pattern: { source: ['photo-sharing.photos'] }, targets: [{ function: 'follow' }] } };
  const { bus, nextOutcome } = openBus({ stateDir: state.dir, app: appWithRules(rules), targets, retry: fastRetries });

  bus.putEvents([entry({ id: 'p1' })]);
  const outcome = await nextOutcome();
  const [letter] = bus.listDeadLetters();
  await bus.close();
  state.remove();

  assert.equal(outcome.type, 'dead-lettered');
  assert.equal(outcome.attempts, 1);
  assert.equal(letter?.errorCode, 'RequestEntityTooLargeException');
  assert.equal(letter?.exhaustedRetryCondition, undefined);
  assert.equal(letter?.retryAttempts, 0);
});

test('bus dead-letters deliveries to a target removed from the config', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  const rules = { ready: { pattern: { source: ['photo-sharing.photos'] }, targets: [{ function: 'follow' }] } };

  // The first bus stores the delivery and closes before delivering it.
  const first = openBus({ stateDir: state.dir, app: appWithRules(rules), targets });
  first.bus.putEvents([entry({ id: 'p1' })]);
  await first.bus.close();

  // The reloaded config sends the rule to another function; the stored delivery's target is gone.
  const moved = appWithRules({ ready: { pattern: { source: ['photo-sharing.photos'] }, targets: [{ function: 'audit' }] } });
  const withoutFollow = { ...moved, functions: moved.functions.filter((fn) => fn.name !== 'follow') };
  const second = openBus({ stateDir: state.dir, app: withoutFollow, targets });
  const outcome = await second.nextOutcome();
  const [letter] = second.bus.listDeadLetters();
  await second.bus.close();
  state.remove();

  assert.equal(outcome.type, 'dead-lettered');
  assert.equal(letter?.errorCode, 'ResourceNotFoundException');
  assert.match(letter?.errorMessage ?? '', /feed\.follow/);
  assert.equal(targets.invoked.length, 0);
});

test('bus resumes stored deliveries after a restart', async () => {
  const state = tempStateDir();
  const targets = new RecordingTargets();
  const app = appWithRules(photoReadyRule);

  const first = openBus({ stateDir: state.dir, app, targets });
  first.bus.putEvents([entry({ id: 'p1' }), entry({ id: 'p2' })]);
  await first.bus.close();
  assert.equal(targets.invoked.length, 0);

  const second = openBus({ stateDir: state.dir, app, targets });
  for (let i = 0; i < 4; i++) assert.equal((await second.nextOutcome()).type, 'delivered');
  assert.equal(second.bus.pendingCount(), 0);
  await second.bus.close();
  state.remove();

  assert.deepEqual(targets.invoked.map((call) => (call.event.detail as { id: string }).id).sort(), ['p1', 'p2']);
  assert.equal(targets.sent.length, 2);
});
