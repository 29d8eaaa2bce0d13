import type { DestinationConfig, RuleConfig, ScheduleConfig, StreamConsumerConfig } from './config.ts';
import type { DestinationModel, RuleModel, ScheduleModel, StreamConsumerModel } from './model.ts';
import { checkEventPattern } from './event-pattern.ts';
import { ScheduleExpressionError } from './schedule-cron.ts';
import { parseScheduleExpression } from './schedule-expression.ts';
import { checkName, checkRange, functionRef, queueRef, type ServiceScope } from './resolve-context.ts';

const STARTING_POSITIONS = new Set(['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP']);

/** Applies Lambda's event source mapping defaults and limits. @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html */
export function resolveStreamConsumer(scope: ServiceScope, place: string, config: StreamConsumerConfig): StreamConsumerModel {
  const consumer = {
    functionId: functionRef(scope, `${place}.function`, config?.function),
    batchSize: config?.batchSize ?? 100,
    maxBatchingWindow: config?.maxBatchingWindow ?? 0,
    startingPosition: config?.startingPosition ?? 'LATEST',
    startingPositionTimestamp: config?.startingPositionTimestamp,
    maxRetryAttempts: config?.maxRetryAttempts ?? -1,
    maxRecordAge: config?.maxRecordAge ?? -1,
    bisectBatchOnError: config?.bisectBatchOnError ?? false,
    parallelizationFactor: config?.parallelizationFactor ?? 1,
    reportBatchItemFailures: config?.reportBatchItemFailures ?? false,
    onFailureQueueId: config?.onFailure ? queueRef(scope, `${place}.onFailure.queue`, config.onFailure.queue) : undefined,
  } satisfies StreamConsumerModel;

  checkRange(scope.report, `${place}.batchSize`, consumer.batchSize, 1, 10_000, 'a count');
  checkRange(scope.report, `${place}.maxBatchingWindow`, consumer.maxBatchingWindow, 0, 300, 'seconds');
  checkRange(scope.report, `${place}.maxRetryAttempts`, consumer.maxRetryAttempts, -1, 10_000, 'a count (-1 retries until the record expires)');
  checkRange(scope.report, `${place}.parallelizationFactor`, consumer.parallelizationFactor, 1, 10, 'a count');
  if (consumer.maxRecordAge !== -1) checkRange(scope.report, `${place}.maxRecordAge`, consumer.maxRecordAge, 60, 604_800, 'seconds (or -1 for no limit)');
  if (!STARTING_POSITIONS.has(consumer.startingPosition)) {
    scope.report(`${place}.startingPosition`, `"${String(consumer.startingPosition)}" is not a starting position.`, 'Use LATEST, TRIM_HORIZON or AT_TIMESTAMP.');
  }
  if (consumer.startingPosition === 'AT_TIMESTAMP' && typeof consumer.startingPositionTimestamp !== 'number') {
    scope.report(`${place}.startingPositionTimestamp`, 'AT_TIMESTAMP needs a timestamp.', 'Set startingPositionTimestamp in epoch seconds.');
  }
  return consumer;
}

export function resolveDestination(scope: ServiceScope, place: string, config: DestinationConfig): DestinationModel {
  if ('function' in config) return { kind: 'function', functionId: functionRef(scope, `${place}.function`, config.function) };
  if ('queue' in config) return { kind: 'queue', queueId: queueRef(scope, `${place}.queue`, config.queue) };
  if ('bus' in config && config.bus === true) return { kind: 'bus' };

  scope.report(place, 'the destination names no target.', 'Use `{ function: name }`, `{ queue: name }` or `{ bus: true }`.');
  return { kind: 'bus' };
}

export function resolveRule(scope: ServiceScope, name: string, config: RuleConfig): RuleModel {
  const place = `services.${scope.service}.rules.${name}`;
  checkName(place, 'rule', name, scope.report);

  if (!config?.pattern || typeof config.pattern !== 'object' || Array.isArray(config.pattern) || Object.keys(config.pattern).length === 0) {
    scope.report(`${place}.pattern`, 'the event pattern is missing or empty.', 'Write an EventBridge pattern object, such as `{ source: ["photos"] }`.');
  } else {
    // EventBridge rejects these with InvalidEventPatternException when the rule is created.
    for (const problem of checkEventPattern(config.pattern)) {
      scope.report(`${place}.pattern${problem.path ? `.${problem.path}` : ''}`, `Event pattern is not valid. Reason: ${problem.reason}.`,
        'Write it as https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html shows.');
    }
  }
  const targets = (config?.targets ?? []).map((target, index) =>
    'queue' in target
      ? { kind: 'queue' as const, queueId: queueRef(scope, `${place}.targets[${index}].queue`, target.queue) }
      : { kind: 'function' as const, functionId: functionRef(scope, `${place}.targets[${index}].function`, target.function) });
  if (targets.length === 0) {
    scope.report(`${place}.targets`, 'the rule has no targets.', 'List at least one function or queue of the service.');
  }

  return { id: `${scope.service}.${name}`, service: scope.service, name, physicalName: `${scope.prefix}-${name}`, pattern: config?.pattern ?? {}, targets };
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((\S+ ){5}\S+\)$/;

/** Checks the expression as EventBridge would, field by field. @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html */
export function resolveSchedule(scope: ServiceScope, name: string, config: ScheduleConfig): ScheduleModel {
  const place = `services.${scope.service}.schedules.${name}`;
  checkName(place, 'schedule', name, scope.report);

  const expression = config?.schedule;
  const rate = typeof expression === 'string' ? RATE.exec(expression) : null;
  if (rate) {
    const value = Number(rate[1]);
    const singular = !rate[2]!.endsWith('s');
    if (value === 0 || (value === 1) !== singular) {
      scope.report(`${place}.schedule`, `"${expression}" is not a valid rate.`, 'Use a positive value, with a singular unit for 1: `rate(1 hour)`, `rate(5 minutes)`.');
    }
  } else if (typeof expression !== 'string' || !CRON.test(expression)) {
    scope.report(`${place}.schedule`, `"${String(expression)}" is not a schedule expression.`, 'Use `rate(5 minutes)` or a six-field `cron(0 12 * * ? *)`.');
  } else {
    // The fields themselves: ranges, names, `?` in exactly one day field, and the `L`, `W` and `#` forms.
    try {
      parseScheduleExpression(expression);
    } catch (error) {
      if (!(error instanceof ScheduleExpressionError)) throw error;
      scope.report(`${place}.schedule`, error.message, 'Write the fields as https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html describes them.');
    }
  }

  return {
    id: `${scope.service}.${name}`,
    service: scope.service,
    name,
    physicalName: `${scope.prefix}-${name}`,
    expression,
    functionId: functionRef(scope, `${place}.function`, config?.function),
  };
}
