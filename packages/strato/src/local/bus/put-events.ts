/**
 * The `PutEvents` request: checking its entries as EventBridge does and
 * turning each valid one into the event that rules match and targets receive.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';

import { AwsError } from '../router/index.ts';

/** One entry of a `PutEvents` request, as the EventBridge API names its fields. */
export interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  /** A JSON object, as a string. */
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  /** The event's time; the time of the call when missing. */
  readonly Time?: string | number | Date;
  /** Accepted for compatibility; the application has one bus. */
  readonly EventBusName?: string;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  /** One result per entry, in the order of the request. */
  readonly Entries: readonly PutEventsResultEntry[];
}

export type BusEvent = EventBridgeEvent<string, Record<string, unknown>>;

/** Entries per call. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html */
export const MAX_ENTRIES = 10;

/** Total entry size of one call, in bytes, as the user guide's "Calculating PutEvents event entry size" counts it. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** Checks the request as a whole, and throws the error EventBridge returns for the call. */
export function checkPutEventsRequest(entries: unknown): asserts entries is readonly unknown[] {
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    const length = Array.isArray(entries) ? entries.length : 0;
    throw new AwsError('ValidationException', `1 validation error detected: Value with ${length} entries at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}. Split the events into calls of at most ${MAX_ENTRIES}.`);
  }

  const size = entries.reduce<number>((total, entry) => total + entrySize(entry), 0);
  if (size > MAX_REQUEST_BYTES) {
    // NOTE: EventBridge rejects the call; the error name here is not confirmed against AWS.
    throw new AwsError('ValidationException', `Total size of the entries in the request is over the limit: ${size} bytes, the maximum is ${MAX_REQUEST_BYTES}. Put large payloads in a bucket and send their key.`);
  }
}

/**
 * Returns the size EventBridge counts for an entry: 14 bytes for `Time`
 * when set, plus the UTF-8 bytes of Source, DetailType, Detail and each resource.
 */
export function entrySize(entry: unknown): number {
  if (typeof entry !== 'object' || entry === null) return 0;
  const { Source, DetailType, Detail, Resources, Time } = entry as PutEventsRequestEntry;

  let size = Time === undefined ? 0 : 14;
  for (const text of [Source, DetailType, Detail, ...(Array.isArray(Resources) ? Resources : [])]) {
    if (typeof text === 'string') size += Buffer.byteLength(text);
  }
  return size;
}

export interface EventIdentity {
  readonly accountId: string;
  readonly region: string;
}

/**
 * Turns one entry into the event targets receive, or returns the per-entry
 * error EventBridge reports for it. The field order is EventBridge's.
 */
export function toBusEvent(entry: unknown, identity: EventIdentity, now: Date): BusEvent | { ErrorCode: string; ErrorMessage: string } {
  if (typeof entry !== 'object' || entry === null) return invalidArgument('Entry', 'Entry must be an object.');
  const { Source, DetailType, Detail, Resources, Time } = entry as PutEventsRequestEntry;

  if (typeof Source !== 'string' || Source === '') return invalidArgument('Source', 'Source is a required argument.');
  if (typeof DetailType !== 'string' || DetailType === '') return invalidArgument('DetailType', 'DetailType is a required argument.');
  if (typeof Detail !== 'string' || Detail === '') return invalidArgument('Detail', 'Detail is a required argument.');

  // Detail must be a JSON object; an array, a string or a number is malformed.
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
  const detail = parseObject(Detail);
  if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };

  if (Resources !== undefined && (!Array.isArray(Resources) || !Resources.every((resource) => typeof resource === 'string'))) {
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  }
  const time = Time === undefined ? now : new Date(Time);
  if (Number.isNaN(time.getTime())) return invalidArgument('Time', `"${String(Time)}" is not a valid time.`);

  return {
    version: '0',
    id: randomUUID(),
    'detail-type': DetailType,
    source: Source,
    account: identity.accountId,
    // EventBridge gives the time in whole seconds.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: identity.region,
    resources: [...(Resources ?? [])],
    detail,
  };
}

function invalidArgument(parameter: string, reason: string) {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}` };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
