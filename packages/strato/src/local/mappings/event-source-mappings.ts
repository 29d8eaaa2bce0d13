/**
 * Every event source mapping of an application: a queue mapping for each
 * queue with a consumer, a stream mapping for each consumer of a stream, and
 * further stream mappings that other sources (table change streams) add.
 *
 * ```ts
 * const mappings = new EventSourceMappings({ app, invoker: runtime, stateDir, queues, streams });
 * mappings.start();
 * mappings.stats(); // iterator age per shard, invocations per queue
 * await mappings.stop();
 * ```
 */
import type { AppModel, FunctionModel, QueueModel, StreamConsumerModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import type { Invoker } from '../../runtime/types.ts';
import type { QueueEngine } from '../queues/index.ts';
import type { StreamEngine } from '../streams/index.ts';
import { CheckpointStore } from './checkpoints.ts';
import { kinesisSource } from './kinesis-source.ts';
import { QueueMapping } from './queue-mapping.ts';
import { StreamMapping } from './stream-mapping.ts';
import type { QueueMappingStats, ShardMappingStats, ShardedSource } from './types.ts';

export interface EventSourceMappingsOptions {
  readonly app: AppModel;
  readonly invoker: Invoker;
  /** Folder of the local cloud's state; checkpoints go to `mappings.sqlite` there. */
  readonly stateDir: string;
  readonly queues?: QueueEngine;
  readonly streams?: StreamEngine;
  /** @default { region: 'us-east-1', accountId: '000000000000' } */
  readonly account?: { readonly region: string; readonly accountId: string };
  readonly logger?: Logger;
  /** @default 5 */
  readonly maxQueuePollers?: number;
  /**
   * Delay before the first retry of a failed stream batch, doubling with each retry up to `maxMs`.
   * @default { baseMs: 1000, maxMs: 30000 }
   */
  readonly retryBackoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface MappingStats {
  readonly queues: readonly QueueMappingStats[];
  readonly shards: readonly ShardMappingStats[];
}

export class EventSourceMappings {
  readonly #options: EventSourceMappingsOptions;
  readonly #account: { readonly region: string; readonly accountId: string };
  readonly #logger: Logger;
  readonly #checkpoints: CheckpointStore;
  readonly #queueMappings: QueueMapping[] = [];
  readonly #streamMappings: StreamMapping[] = [];
  #started = false;

  constructor(options: EventSourceMappingsOptions) {
    this.#options = options;
    this.#account = options.account ?? { region: 'us-east-1', accountId: '000000000000' };
    this.#logger = options.logger ?? silentLogger;
    this.#checkpoints = new CheckpointStore(options.stateDir);

    for (const queue of options.app.queues) {
      if (queue.consumer === undefined || options.queues === undefined) continue;
      this.#queueMappings.push(new QueueMapping({
        queues: options.queues,
        queue: queue as QueueModel & { consumer: NonNullable<QueueModel['consumer']> },
        fn: this.#function(queue.consumer.functionId),
        invoker: options.invoker,
        region: this.#account.region,
        maxPollers: options.maxQueuePollers,
        logger: this.#logger,
      }));
    }
    for (const stream of options.app.streams) {
      if (options.streams === undefined) continue;
      const source = kinesisSource(options.streams, stream, this.#account);
      for (const consumer of stream.consumers) this.addStreamMapping(source, consumer);
    }
  }

  /**
   * Adds a mapping from a sharded source, such as a table's change stream.
   * It starts at once when the mappings are running.
   */
  addStreamMapping(source: ShardedSource, consumer: StreamConsumerModel): void {
    const fn = this.#function(consumer.functionId);
    const mapping = new StreamMapping({
      source,
      consumer,
      fn,
      functionArn: `arn:aws:lambda:${this.#account.region}:${this.#account.accountId}:function:${fn.physicalName}`,
      invoker: this.#options.invoker,
      checkpoints: this.#checkpoints,
      sendFailure: (queueId, record) => this.#sendFailure(queueId, record),
      retryBackoff: this.#options.retryBackoff ?? { baseMs: 1_000, maxMs: 30_000 },
      logger: this.#logger,
    });
    this.#streamMappings.push(mapping);
    if (this.#started) mapping.start();
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const mapping of this.#queueMappings) mapping.start();
    for (const mapping of this.#streamMappings) mapping.start();
  }

  /** Stops every mapping, waits for the batches in flight, and closes the checkpoint store. */
  async stop(): Promise<void> {
    await Promise.all([...this.#queueMappings, ...this.#streamMappings].map((mapping) => mapping.stop()));
    this.#checkpoints.close();
  }

  stats(): MappingStats {
    return {
      queues: this.#queueMappings.map((mapping) => mapping.stats()),
      shards: this.#streamMappings.flatMap((mapping) => mapping.stats()),
    };
  }

  #function(functionId: string): FunctionModel {
    const fn = this.#options.app.functions.find((candidate) => candidate.id === functionId);
    if (fn === undefined) throw new Error(`Event source mapping names function "${functionId}", which is not in application "${this.#options.app.name}".`);
    return fn;
  }

  async #sendFailure(queueId: string, record: Record<string, unknown>): Promise<void> {
    const queue = this.#options.app.queues.find((candidate) => candidate.id === queueId);
    if (queue === undefined || this.#options.queues === undefined) {
      throw new Error(`on-failure destination queue "${queueId}" is not served by this local cloud`);
    }
    this.#options.queues.sendMessage(queue.physicalName, { body: JSON.stringify(record) }, { senderId: 'AROASTRATOLOCALLAMBDA:event-source-mapping' });
  }
}
