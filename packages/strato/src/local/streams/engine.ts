/**
 * The stream engine: Kinesis Data Streams' semantics over one SQLite file.
 * A put resolves only after its records are committed. Puts that arrive in
 * the same turn of the event loop share one transaction (group commit), which
 * keeps durable ingest fast without weakening that promise.
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/Welcome.html
 */
import type { StreamModel } from '../../model/index.ts';
import { silentLogger, type Logger } from '../../observe/logger.ts';
import { StreamDatabase } from './database.ts';
import { StreamError, rateExceededMessage, streamNotFound } from './errors.ts';
import { evenHashKeyRanges, parseExplicitHashKey, partitionKeyHash, shardIdOf, shardIndexForHash, shardIndexOf, type HashKeyRange } from './hash-keys.ts';
import { formatPosition, formatSequenceNumber, positionOfSequenceNumber, shardSequencePrefix } from './sequence-numbers.ts';
import { decodeIterator, encodeIterator } from './shard-iterators.ts';
import type {
  GetRecordsResult, GetShardIteratorInput, PutRecordInput, PutRecordResult, PutRecordsResult, PutRecordsResultEntry, ShardDescription,
  ShardRecord, StreamRecord, StreamSummary,
} from './types.ts';
import { checkRecord, checkRecords } from './validate.ts';

export interface StreamEngineOptions {
  /** Folder of the local cloud's state; the engine keeps `streams.sqlite` there. */
  readonly stateDir: string;
  readonly streams: readonly StreamModel[];
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** Clock in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  readonly logger?: Logger;
  /**
   * Enforces Kinesis's write limit of each shard: 1,000 records and 1 MiB per
   * second. Records over it fail with ProvisionedThroughputExceededException.
   * @default false
   * @see https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
   */
  readonly shardWriteLimits?: boolean;
}

const SHARD_RECORDS_PER_SECOND = 1_000;
const SHARD_BYTES_PER_SECOND = 1_048_576;

/** GetRecords returns at most 10,000 records and 10 MiB of data. */
const MAX_GET_RECORDS = 10_000;
const MAX_GET_RECORDS_BYTES = 10 * 1_048_576;
const TRIM_SWEEP_MS = 60_000;

interface ShardState {
  readonly index: number;
  readonly id: string;
  readonly key: number;
  readonly range: HashKeyRange;
  /** Leading digits of the shard's sequence numbers. */
  readonly sequencePrefix: string;
  /** Position of the last committed record; 0 when the shard is empty. */
  lastPosition: number;
  lastArrivalMs: number;
  /** Writes accepted in the current second, for the shard write limit. */
  writeWindow: { second: number; records: number; bytes: number };
}

interface StreamState {
  readonly model: StreamModel;
  readonly name: string;
  readonly arn: string;
  readonly createdSeconds: number;
  readonly shards: readonly ShardState[];
  readonly ranges: readonly HashKeyRange[];
  readonly listeners: Set<(shardIndex: number) => void>;
}

/** Records of one put call, waiting for the next group commit. */
interface PendingPut {
  readonly stream: StreamState;
  readonly records: readonly { readonly shard: ShardState; readonly input: PutRecordInput }[];
  resolve(results: PutRecordResult[]): void;
  reject(error: unknown): void;
}

export class StreamEngine {
  readonly #db: StreamDatabase;
  readonly #streams = new Map<string, StreamState>();
  readonly #accountId: string;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #trimTimer: NodeJS.Timeout;
  readonly #shardWriteLimits: boolean;
  #pending: PendingPut[] = [];
  #flushScheduled = false;
  #closed = false;

  constructor(options: StreamEngineOptions) {
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    this.#accountId = options.accountId ?? '000000000000';
    this.#shardWriteLimits = options.shardWriteLimits ?? false;
    this.#db = new StreamDatabase(options.stateDir);

    const region = options.region ?? 'us-east-1';
    for (const model of options.streams) {
      const arn = `arn:aws:kinesis:${region}:${this.#accountId}:stream/${model.physicalName}`;
      this.#streams.set(model.physicalName, this.#openStream(model, arn));
    }

    this.trimExpired();
    this.#trimTimer = setInterval(() => this.trimExpired(), TRIM_SWEEP_MS);
    this.#trimTimer.unref();
  }

  streamArn(streamName: string): string {
    return this.#stream(streamName).arn;
  }

  /** Physical names of the streams this engine serves. */
  streamNames(): string[] {
    return [...this.#streams.keys()];
  }

  /** Shard ids of the stream, in order. */
  shardIds(streamName: string): string[] {
    return this.#stream(streamName).shards.map((shard) => shard.id);
  }

  async putRecord(streamName: string, input: PutRecordInput): Promise<PutRecordResult> {
    const stream = this.#stream(streamName);
    checkRecord(input, '');
    const shard = this.#shardFor(stream, input);
    if (!this.#withinWriteLimit(shard, input)) {
      throw new StreamError('ProvisionedThroughputExceededException', rateExceededMessage(shard.id, stream.name, this.#accountId));
    }
    const [result] = await this.#enqueue(stream, [{ shard, input }]);
    return result!;
  }

  /**
   * Puts up to 500 records, 5 MiB together, in one transaction. With
   * `shardWriteLimits`, records over their shard's limit fail one by one, as
   * in Kinesis; without it, every record of a valid request succeeds.
   */
  async putRecords(streamName: string, records: readonly PutRecordInput[]): Promise<PutRecordsResult> {
    const stream = this.#stream(streamName);
    checkRecords(records);
    const placed = records.map((input) => {
      const shard = this.#shardFor(stream, input);
      return { shard, input, accepted: this.#withinWriteLimit(shard, input) };
    });
    const accepted = placed.filter((record) => record.accepted);
    const written = accepted.length > 0 ? await this.#enqueue(stream, accepted) : [];

    let next = 0;
    const results: PutRecordsResultEntry[] = placed.map((record) => record.accepted
      ? written[next++]!
      : { errorCode: 'ProvisionedThroughputExceededException', errorMessage: rateExceededMessage(record.shard.id, stream.name, this.#accountId) });
    return { failedRecordCount: placed.length - accepted.length, records: results };
  }

  getShardIterator(streamName: string, input: GetShardIteratorInput): { shardIterator: string } {
    const stream = this.#stream(streamName);
    const shard = this.#shard(stream, input.shardId);
    const position = this.#iteratorPosition(stream, shard, input);
    return { shardIterator: encodeIterator({ stream: stream.name, shardIndex: shard.index, position, issuedAt: this.#now() }) };
  }

  /** Returns up to `limit` records from the iterator's position, and the iterator that continues after them. */
  getRecords(shardIterator: string, options: { limit?: number } = {}): GetRecordsResult {
    const now = this.#now();
    const iterator = decodeIterator(shardIterator, now);
    const stream = this.#stream(iterator.stream);
    const shard = stream.shards[iterator.shardIndex];
    if (shard === undefined) throw new StreamError('InvalidArgumentException', `Invalid ShardIterator: shard ${iterator.shardIndex} is not a shard of stream ${stream.name}.`);
    const limit = options.limit ?? MAX_GET_RECORDS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_GET_RECORDS) {
      throw new StreamError('InvalidArgumentException', `Limit must be from 1 to ${MAX_GET_RECORDS}; received ${String(limit)}.`);
    }

    const rows = withinBytes(this.readShard(stream.name, shard.index, iterator.position - 1, limit), MAX_GET_RECORDS_BYTES);
    const last = rows.at(-1);
    const nextPosition = last ? last.position + 1 : iterator.position;
    const caughtUp = nextPosition > shard.lastPosition;
    return {
      records: rows.map(toStreamRecord),
      nextShardIterator: encodeIterator({ stream: stream.name, shardIndex: shard.index, position: nextPosition, issuedAt: now }),
      millisBehindLatest: caughtUp ? 0 : Math.max(0, now - (last?.arrivalMs ?? shard.lastArrivalMs)),
    };
  }

  listShards(streamName: string): ShardDescription[] {
    const stream = this.#stream(streamName);
    return stream.shards.map((shard) => ({
      shardId: shard.id,
      hashKeyRange: { startingHashKey: shard.range.startingHashKey.toString(), endingHashKey: shard.range.endingHashKey.toString() },
      sequenceNumberRange: { startingSequenceNumber: formatSequenceNumber(stream.createdSeconds, shard.index, 0) },
    }));
  }

  describeStreamSummary(streamName: string): StreamSummary {
    const stream = this.#stream(streamName);
    return {
      streamName: stream.name,
      streamARN: stream.arn,
      streamStatus: 'ACTIVE',
      retentionPeriodHours: stream.model.retentionHours,
      streamCreationTimestamp: new Date(stream.createdSeconds * 1000),
      openShardCount: stream.shards.length,
      streamModeDetails: { streamMode: 'PROVISIONED' },
    };
  }

  /** Reads committed records of a shard after a position, in order. Event source mappings read through this. */
  readShard(streamName: string, shardIndex: number, afterPosition: number, limit: number): ShardRecord[] {
    const stream = this.#stream(streamName);
    const shard = stream.shards[shardIndex]!;
    return this.#db.selectFrom.all(shard.key, afterPosition + 1, limit).map((row) => ({
      position: row.position,
      sequenceNumber: shard.sequencePrefix + formatPosition(row.position),
      partitionKey: row.partition_key,
      data: row.data,
      arrivalMs: row.arrival_ms,
    }));
  }

  /** Position of the shard's last committed record, and its arrival time; position 0 when the shard is empty. */
  shardTip(streamName: string, shardIndex: number): { position: number; arrivalMs: number } {
    const shard = this.#stream(streamName).shards[shardIndex]!;
    return { position: shard.lastPosition, arrivalMs: shard.lastArrivalMs };
  }

  /** Returns the position just before the first record that arrived at or after the time, so that reading after it starts there. */
  positionBeforeTime(streamName: string, shardIndex: number, timeMs: number): number {
    const shard = this.#stream(streamName).shards[shardIndex]!;
    const first = this.#db.selectFirstArrivedAtOrAfter.get(shard.key, timeMs);
    return first ? first.position - 1 : shard.lastPosition;
  }

  /** Calls the listener with the shard index after each commit that added records to the stream. Returns the unsubscribe function. */
  onAppend(streamName: string, listener: (shardIndex: number) => void): () => void {
    const stream = this.#stream(streamName);
    stream.listeners.add(listener);
    return () => stream.listeners.delete(listener);
  }

  /** Deletes records older than their stream's retention period. */
  trimExpired(): void {
    if (this.#closed) return;
    const now = this.#now();
    this.#db.transaction(() => {
      for (const stream of this.#streams.values()) {
        // A record expires once its age reaches the retention period.
        const oldestKeptArrival = now - stream.model.retentionHours * 3_600_000 + 1;
        for (const shard of stream.shards) {
          const firstKept = this.#db.selectFirstArrivedAtOrAfter.get(shard.key, oldestKeptArrival)?.position ?? shard.lastPosition + 1;
          this.#db.deleteBefore.run(shard.key, firstKept);
        }
      }
    });
  }

  /** Commits pending puts now. */
  flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];

    const touched = new Map<StreamState, Set<number>>();
    const saved = batch.flatMap((put) => put.records.map(({ shard }) => [shard, shard.lastPosition, shard.lastArrivalMs] as const));
    let results: PutRecordResult[][];
    try {
      results = this.#db.transaction(() => batch.map((put) => this.#write(put, touched)));
    } catch (error) {
      // The transaction rolled back, so the shards' counters go back too.
      for (const [shard, position, arrival] of saved.reverse()) {
        shard.lastPosition = position;
        shard.lastArrivalMs = arrival;
      }
      this.#logger.error('stream ingest failed; %d puts rejected: %s', batch.length, (error as Error).message);
      for (const put of batch) put.reject(error);
      return;
    }

    batch.forEach((put, index) => put.resolve(results[index]!));
    for (const [stream, shardIndexes] of touched) {
      for (const listener of stream.listeners) for (const shardIndex of shardIndexes) listener(shardIndex);
    }
  }

  /** Commits pending puts and closes the database. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearInterval(this.#trimTimer);
    this.#db.close();
  }

  #openStream(model: StreamModel, arn: string): StreamState {
    const name = model.physicalName;
    let created = this.#db.selectStream.get(name)?.created_seconds;
    if (created === undefined) {
      created = Math.floor(this.#now() / 1000);
      this.#db.insertStream.run(name, created);
    }

    const ranges = evenHashKeyRanges(model.shards);
    const shards = ranges.map((range, index): ShardState => {
      let key = this.#db.selectShardKey.get(name, index)?.shard_key;
      if (key === undefined) key = Number(this.#db.insertShard.run(name, index).lastInsertRowid);
      const last = this.#db.selectLast.get(key);
      const sequencePrefix = shardSequencePrefix(created, index);
      return {
        index, id: shardIdOf(index), key, range, sequencePrefix,
        lastPosition: last?.position ?? 0, lastArrivalMs: last?.arrival_ms ?? 0,
        writeWindow: { second: 0, records: 0, bytes: 0 },
      };
    });
    // NOTE: a changed shard count takes effect as a new even split of the hash
    // key range; Kinesis would close the parent shards and keep them readable.
    return { model, name, arn, createdSeconds: created, shards, ranges, listeners: new Set() };
  }

  #stream(streamName: string): StreamState {
    if (this.#closed) throw new Error('The stream engine is closed.');
    const stream = this.#streams.get(streamName);
    if (stream === undefined) throw streamNotFound(streamName, this.#accountId);
    return stream;
  }

  #shard(stream: StreamState, shardId: string): ShardState {
    const index = shardIndexOf(shardId);
    const shard = index === undefined ? undefined : stream.shards[index];
    if (shard === undefined) {
      throw new StreamError('ResourceNotFoundException', `Shard ${shardId} in stream ${stream.name} under account ${this.#accountId} does not exist. Use one of ${stream.shards.map((s) => s.id).join(', ')}.`);
    }
    return shard;
  }

  #shardFor(stream: StreamState, input: PutRecordInput): ShardState {
    // One shard covers the whole hash key range, so only an explicit hash key needs checking.
    if (stream.shards.length === 1) {
      if (input.explicitHashKey !== undefined) parseExplicitHashKey(input.explicitHashKey);
      return stream.shards[0]!;
    }
    const hash = input.explicitHashKey !== undefined ? parseExplicitHashKey(input.explicitHashKey) : partitionKeyHash(input.partitionKey);
    return stream.shards[shardIndexForHash(stream.ranges, hash)]!;
  }

  /** Counts the record against its shard's write limit for the current second; false when it is over. */
  #withinWriteLimit(shard: ShardState, input: PutRecordInput): boolean {
    if (!this.#shardWriteLimits) return true;
    const second = Math.floor(this.#now() / 1000);
    const window = shard.writeWindow;
    if (window.second !== second) Object.assign(window, { second, records: 0, bytes: 0 });

    const bytes = input.data.length + Buffer.byteLength(input.partitionKey, 'utf8');
    if (window.records + 1 > SHARD_RECORDS_PER_SECOND || window.bytes + bytes > SHARD_BYTES_PER_SECOND) return false;
    window.records++;
    window.bytes += bytes;
    return true;
  }

  #enqueue(stream: StreamState, records: PendingPut['records']): Promise<PutRecordResult[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ stream, records, resolve, reject });
      if (this.#flushScheduled) return;
      this.#flushScheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Appends one put's records; runs inside the group commit's transaction. */
  #write(put: PendingPut, touched: Map<StreamState, Set<number>>): PutRecordResult[] {
    const now = this.#now();
    let shardIndexes = touched.get(put.stream);
    if (shardIndexes === undefined) touched.set(put.stream, (shardIndexes = new Set()));

    return put.records.map(({ shard, input }) => {
      // Arrival times never go back within a shard, so AT_TIMESTAMP can scan in position order.
      const position = ++shard.lastPosition;
      shard.lastArrivalMs = Math.max(now, shard.lastArrivalMs);
      this.#db.insertRecord.run(shard.key, position, input.partitionKey, input.data, shard.lastArrivalMs);
      shardIndexes.add(shard.index);
      return { shardId: shard.id, sequenceNumber: shard.sequencePrefix + formatPosition(position) };
    });
  }

  #iteratorPosition(stream: StreamState, shard: ShardState, input: GetShardIteratorInput): number {
    switch (input.shardIteratorType) {
      case 'TRIM_HORIZON':
        return this.#db.selectFirst.get(shard.key)?.position ?? shard.lastPosition + 1;
      case 'LATEST':
        return shard.lastPosition + 1;
      case 'AT_TIMESTAMP':
        if (typeof input.timestamp !== 'number') {
          throw new StreamError('InvalidArgumentException', 'The timestamp must be set for AT_TIMESTAMP shard iterators.');
        }
        return this.positionBeforeTime(stream.name, shard.index, input.timestamp) + 1;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const sequenceNumber = input.startingSequenceNumber;
        if (sequenceNumber === undefined) {
          throw new StreamError('InvalidArgumentException', `StartingSequenceNumber must be set for ${input.shardIteratorType} shard iterators.`);
        }
        const position = positionOfSequenceNumber(sequenceNumber, stream.createdSeconds, shard.index);
        if (position === undefined) {
          throw new StreamError('InvalidArgumentException', `StartingSequenceNumber ${sequenceNumber} used in GetShardIterator on shard ${shard.id} in stream ${stream.name} under account ${this.#accountId} is invalid because it did not come from this stream.`);
        }
        return input.shardIteratorType === 'AT_SEQUENCE_NUMBER' ? position : position + 1;
      }
      default:
        throw new StreamError('ValidationException', `1 validation error detected: Value '${String(input.shardIteratorType)}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]`);
    }
  }
}

/** Returns the leading records whose data fits in `maxBytes`, and always the first one. */
function withinBytes(records: ShardRecord[], maxBytes: number): ShardRecord[] {
  let bytes = 0;
  const fits = records.findIndex((record, index) => {
    bytes += record.data.length;
    return index > 0 && bytes > maxBytes;
  });
  return fits === -1 ? records : records.slice(0, fits);
}

function toStreamRecord(record: ShardRecord): StreamRecord {
  return {
    sequenceNumber: record.sequenceNumber,
    approximateArrivalTimestamp: new Date(record.arrivalMs),
    data: new Uint8Array(record.data.buffer, record.data.byteOffset, record.data.byteLength),
    partitionKey: record.partitionKey,
  };
}
