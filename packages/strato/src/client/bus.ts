/**
 * The bus client: publishes events on the application's event bus, as
 * EventBridge's `PutEvents` does. The function must link `bus`.
 *
 * ```ts
 * import { bus } from 'strato/client';
 *
 * const events = bus();
 * await events.publish({ source: 'photo-sharing.photos', detailType: 'PhotoReady', detail: { id } });
 * ```
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { callDriver } from './driver.ts';

/** An event to publish. */
export interface BusEventInput<D extends object = Record<string, unknown>> {
  /** The event's origin, such as `photo-sharing.photos`; rules match on it. */
  readonly source: string;
  /** The kind of event, such as `PhotoReady`; rules match on it as `detail-type`. */
  readonly detailType: string;
  /** The event's data: a JSON object, which targets receive as `detail`. */
  readonly detail: D;
  /** ARNs of the resources the event is about. */
  readonly resources?: readonly string[];
  /** When the event happened. @default the time of the call */
  readonly time?: Date;
}

/** The result of one entry of a batch: its event id, or why the bus rejected it. */
export type PublishResult = { readonly eventId: string } | { readonly errorCode: string; readonly errorMessage: string };

/** The output of `PutEvents`, as the local router and the AWS driver return it. */
export interface PutEventsOutput {
  readonly FailedEntryCount?: number;
  readonly Entries?: readonly { readonly EventId?: string; readonly ErrorCode?: string; readonly ErrorMessage?: string }[];
}

/** Events per `PutEvents` call. */
export const MAX_EVENTS_PER_BATCH = 10;

export class BusClient {
  /** Physical name of the bus, from `STRATO_BUS`. */
  readonly name: string;

  constructor() {
    // Without the variable, the function does not link the bus, so the call fails with AccessDeniedException, as on AWS.
    this.name = process.env.STRATO_BUS ?? 'bus';
  }

  /**
   * Publishes one event and returns its id once the bus has stored it.
   * Throws an `Error` named after EventBridge's error code, such as
   * `MalformedDetail`, when the bus rejects the event.
   */
  async publish<D extends object>(event: BusEventInput<D>): Promise<string> {
    const [result] = await this.publishBatch([event]);
    if (!result || !('eventId' in result)) {
      const error = new Error(result ? `${result.errorMessage} The bus ${this.name} rejected the event from ${event.source}.` : `The bus ${this.name} returned no result.`);
      error.name = result?.errorCode ?? 'InternalFailure';
      throw error;
    }
    return result.eventId;
  }

  /**
   * Publishes up to 10 events in one call and returns one result per event,
   * in order. Some events can fail while others are stored; check each result.
   */
  async publishBatch<D extends object>(events: readonly BusEventInput<D>[]): Promise<PublishResult[]> {
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_BATCH) {
      throw new RangeError(`publishBatch takes 1 to ${MAX_EVENTS_PER_BATCH} events; received ${Array.isArray(events) ? events.length : typeof events}. Split larger batches.`);
    }

    const entries = events.map((event) => ({
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(event.resources && { Resources: [...event.resources] }),
      ...(event.time && { Time: event.time.toISOString() }),
      EventBusName: this.name,
    }));
    const output = await callDriver('bus', this.name, 'putEvents', { Entries: entries }) as PutEventsOutput;

    return (output.Entries ?? []).map((entry) => entry.EventId !== undefined
      ? { eventId: entry.EventId }
      : { errorCode: entry.ErrorCode ?? 'InternalFailure', errorMessage: entry.ErrorMessage ?? 'The bus gave no reason.' });
  }
}

/** Returns a client for the application's event bus; the function must link `bus`. */
export function bus(): BusClient {
  return new BusClient();
}
