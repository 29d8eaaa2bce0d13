/** Set-up for the stream mapping tests: a stream engine, a mapping over it, and what it sent to its on-failure destination. */
import { CheckpointStore, StreamMapping, kinesisSource } from '../../src/local/mappings/index.ts';
import { StreamEngine } from '../../src/local/streams/index.ts';
import type { StreamConsumerModel, StreamModel } from '../../src/model/index.ts';
import { InProcessInvoker, testFunction, type TestHandler } from '../queues/in-process-invoker.ts';
import { streamModel, tempStateDir } from './helpers.ts';

export const STREAM = 'demo-activity-events';

export function consumerModel(settings: Partial<StreamConsumerModel> = {}): StreamConsumerModel {
  return {
    functionId: 'jobs.counter',
    batchSize: 100,
    maxBatchingWindow: 0,
    startingPosition: 'TRIM_HORIZON',
    maxRetryAttempts: -1,
    maxRecordAge: -1,
    bisectBatchOnError: false,
    parallelizationFactor: 1,
    reportBatchItemFailures: false,
    ...settings,
  };
}

interface Harness {
  readonly engine: StreamEngine;
  readonly invoker: InProcessInvoker;
  readonly failures: Record<string, any>[];
  readonly stateDir: string;
  /** Creates and starts a mapping over the stream; a later call after `stopMapping` resumes from the stored checkpoints. */
  startMapping(): StreamMapping;
  stopMapping(): Promise<void>;
}

export function streamHarness(
  t: { after(fn: () => unknown): void },
  handler: TestHandler,
  options: { stream?: Partial<StreamModel>; consumer?: Partial<StreamConsumerModel>; now?: () => number } = {},
): Harness {
  const stateDir = tempStateDir(t);
  const model = streamModel('events', options.stream);
  const engine = new StreamEngine({ stateDir, streams: [model], now: options.now });
  const invoker = new InProcessInvoker(handler);
  const failures: Record<string, any>[] = [];
  const consumer = consumerModel(options.consumer);
  let mapping: StreamMapping | undefined;
  let checkpoints: CheckpointStore | undefined;

  const stopMapping = async () => {
    await mapping?.stop();
    checkpoints?.close();
    mapping = undefined;
  };
  t.after(async () => {
    await stopMapping();
    engine.close();
  });

  return {
    engine,
    invoker,
    failures,
    stateDir,
    startMapping() {
      checkpoints = new CheckpointStore(stateDir);
      mapping = new StreamMapping({
        source: kinesisSource(engine, model, { region: 'us-east-1', accountId: '000000000000' }),
        consumer,
        fn: testFunction('counter'),
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:demo-jobs-counter',
        invoker,
        checkpoints,
        sendFailure: (_queueId, record) => {
          failures.push(record);
        },
        retryBackoff: { baseMs: 1, maxMs: 4 },
        logger: { info() {}, warn() {}, error() {}, verbose() {} },
      });
      mapping.start();
      return mapping;
    },
    stopMapping,
  };
}

export async function putAll(engine: StreamEngine, entries: readonly (readonly [string, string])[]): Promise<string[]> {
  const result = await engine.putRecords(STREAM, entries.map(([partitionKey, body]) => ({ partitionKey, data: Buffer.from(body) })));
  return result.records.map((record) => ('sequenceNumber' in record ? record.sequenceNumber : ''));
}

/** The bodies of every record the function received, in delivery order. */
export function deliveredBodies(invoker: InProcessInvoker): string[] {
  return invoker.events.flatMap((event) => event.Records.map((record: any) => Buffer.from(record.kinesis.data, 'base64').toString()));
}
