/**
 * An event source mapping from a sharded source (a Kinesis stream or a
 * table's change stream) to a function: `parallelizationFactor` lanes per
 * shard, each processing its batches in order.
 */
import type { FunctionModel, StreamConsumerModel } from '../../model/index.ts';
import type { Logger } from '../../observe/logger.ts';
import type { Invoker } from '../../runtime/types.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { ShardLane, type LaneContext } from './shard-lane.ts';
import type { FailureDestination, ShardMappingStats, ShardedSource } from './types.ts';

export interface StreamMappingOptions {
  readonly source: ShardedSource;
  readonly consumer: StreamConsumerModel;
  readonly fn: FunctionModel;
  /** Unqualified ARN of the function, as on-failure records name it. */
  readonly functionArn: string;
  readonly invoker: Invoker;
  readonly checkpoints: CheckpointStore;
  readonly sendFailure: FailureDestination;
  /** Delay before the first retry of a failed batch, doubling up to `maxMs`. */
  readonly retryBackoff: { readonly baseMs: number; readonly maxMs: number };
  readonly logger: Logger;
}

export class StreamMapping {
  readonly id: string;
  readonly #options: StreamMappingOptions;
  readonly #stopping = new AbortController();
  readonly #lanes = new Map<string, ShardLane[]>();
  readonly #running: Promise<void>[] = [];
  #unsubscribe: (() => void) | undefined;

  constructor(options: StreamMappingOptions) {
    this.#options = options;
    this.id = `${options.source.arn}|${options.fn.id}`;
  }

  /** Loads or sets each shard's checkpoints and starts its lanes. */
  start(): void {
    if (this.#unsubscribe) return;
    const { source, consumer, checkpoints } = this.#options;
    const laneCount = consumer.parallelizationFactor;
    const context: LaneContext = { ...this.#options, mappingId: this.id, signal: this.#stopping.signal };

    for (const shardId of source.shardIds()) {
      let positions = checkpoints.load(this.id, shardId, laneCount);
      if (positions === undefined) {
        // A new mapping stores its starting position at once, so a restart does not move it to a later LATEST.
        const start = source.startingCheckpoint(shardId, consumer.startingPosition, startingTimestampMs(consumer));
        positions = Array.from({ length: laneCount }, (_, lane) => {
          checkpoints.save(this.id, shardId, lane, laneCount, start);
          return start;
        });
      }
      const lanes = positions.map((position, lane) => new ShardLane(context, shardId, lane, laneCount, position));
      this.#lanes.set(shardId, lanes);
    }

    this.#unsubscribe = source.subscribe((shardId) => {
      for (const lane of this.#lanes.get(shardId) ?? []) lane.notify();
    });
    for (const lanes of this.#lanes.values()) {
      for (const lane of lanes) this.#running.push(this.#runLane(lane));
    }
  }

  /** Stops reading; resolves once the batches being processed are settled. Unfinished batches are delivered again after a restart. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#unsubscribe?.();
    await Promise.all(this.#running);
  }

  stats(): ShardMappingStats[] {
    const { source, fn } = this.#options;
    return [...this.#lanes].map(([shardId, lanes]) => {
      const lowest = Math.min(...lanes.map((lane) => lane.checkpoint));
      const checkpointRecord = lowest > 0 ? source.read(shardId, lowest - 1, 1)[0] : undefined;
      return {
        functionId: fn.id,
        sourceArn: source.arn,
        shardId,
        iteratorAgeMs: Math.max(...lanes.map((lane) => lane.iteratorAgeMs)),
        checkpointSequenceNumber: checkpointRecord?.position === lowest ? checkpointRecord.sequenceNumber : undefined,
        invocations: sum(lanes.map((lane) => lane.invocations)),
        failedInvocations: sum(lanes.map((lane) => lane.failedInvocations)),
        discardedBatches: sum(lanes.map((lane) => lane.discardedBatches)),
      };
    });
  }

  async #runLane(lane: ShardLane): Promise<void> {
    try {
      await lane.run();
    } catch (error) {
      this.#options.logger.error('stream mapping %s stopped on a shard: %s', this.id, (error as Error).message);
    }
  }
}

function startingTimestampMs(consumer: StreamConsumerModel): number | undefined {
  return consumer.startingPositionTimestamp === undefined ? undefined : consumer.startingPositionTimestamp * 1000;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
