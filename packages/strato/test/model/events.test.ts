import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { ModelError, resolveApp, type AppConfig } from '../../src/model/index.ts';

const root = path.join(import.meta.dirname, '../fixtures/hello');
const handler = 'src/hello.handler';

function problemsOf(config: AppConfig): string[] {
  try {
    resolveApp(config, root);
  } catch (error) {
    assert.ok(error instanceof ModelError);
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected a ModelError');
}

test('queues, streams, rules and schedules resolve with defaults', () => {
  const app = resolveApp({
    name: 'demo',
    auth: {},
    services: {
      activity: {
        functions: { count: { handler, links: ['views', 'bus', 'jobs'] }, work: { handler } },
        queues: { jobs: { fifo: true, maxReceiveCount: 3, consumer: { function: 'work' } } },
        streams: { views: { shards: 2, consumers: [{ function: 'count', onFailure: { queue: 'jobs-dlq' } }] } },
        rules: { ready: { pattern: { source: ['photos'] }, targets: [{ function: 'count' }, { queue: 'jobs' }] } },
        schedules: { nightly: { schedule: 'cron(0 3 * * ? *)', function: 'work' } },
        routes: { 'POST /views': { function: 'count', auth: true } },
      },
    },
  }, root);

  const [jobs, dlq] = app.queues;
  assert.equal(jobs?.physicalName, 'demo-activity-jobs.fifo');
  assert.equal(jobs?.visibilityTimeoutSeconds, 30);
  assert.deepEqual(jobs?.deadLetter, { queueId: 'activity.jobs-dlq', maxReceiveCount: 3 });
  assert.equal(dlq?.name, 'jobs-dlq');

  const consumer = app.streams[0]!.consumers[0]!;
  assert.equal(consumer.batchSize, 100);
  assert.equal(consumer.startingPosition, 'LATEST');
  assert.equal(consumer.maxRetryAttempts, -1);
  assert.equal(consumer.onFailureQueueId, 'activity.jobs-dlq');

  const count = app.functions.find((f) => f.name === 'count')!;
  assert.equal(count.environment.STRATO_BUS, 'demo-bus');
  assert.equal(count.environment.STRATO_STREAM_VIEWS, 'demo-activity-views');
  assert.equal(count.environment.STRATO_QUEUE_JOBS, 'demo-activity-jobs.fifo');
  assert.equal(count.async.maxRetryAttempts, 2);
  assert.deepEqual(app.routes[0]!.auth, { scopes: [] });
  assert.equal(app.auth?.passwordPolicy.minimumLength, 8);
});

test('event blocks report bad settings', () => {
  const problems = problemsOf({
    name: 'demo',
    services: {
      activity: {
        functions: { count: { handler, async: { maxRetryAttempts: 5 } } },
        queues: { jobs: { visibilityTimeout: 50_000, consumer: { function: 'count', batchSize: 100 } } },
        streams: { views: { consumers: [{ function: 'count', startingPosition: 'AT_TIMESTAMP', onFailure: { queue: 'nope' } }] } },
        rules: { empty: { pattern: {}, targets: [] } },
        schedules: { bad: { schedule: 'rate(1 minutes)', function: 'count' }, worse: { schedule: 'every day', function: 'count' } },
        routes: { 'GET /secret': { function: 'count', auth: true } },
      },
    },
  });

  const expected = [
    'functions.count.async.maxRetryAttempts',
    'queues.jobs.visibilityTimeout',
    'queues.jobs.consumer.maxBatchingWindow',
    'consumers[0].startingPositionTimestamp',
    'consumers[0].onFailure.queue',
    'rules.empty.pattern',
    'rules.empty.targets',
    'schedules.bad.schedule',
    'schedules.worse.schedule',
    'routes["GET /secret"].auth',
  ];
  for (const place of expected) {
    assert.ok(problems.some((p) => p.includes(place)), `no problem at ${place} in:\n${problems.join('\n')}`);
  }
});
