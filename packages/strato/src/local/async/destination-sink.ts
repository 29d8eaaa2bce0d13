/**
 * Sends invocation records to queue and bus destinations of the local cloud,
 * as Lambda does: to SQS the record is the message body, to EventBridge it
 * is the event's `detail`, with source `lambda`.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
import type { QueueModel } from '../../model/index.ts';
import type { DestinationSink, ExternalDestination } from './async-invoker.ts';
import type { DestinationRecord } from './destination-record.ts';

/** The part of the queue engine that a queue destination uses. */
export interface QueueSender {
  sendMessage(queueName: string, input: { readonly body: string }): unknown;
}

/** The part of the event bus that a bus destination uses. */
export interface BusPublisher {
  putEvents(entries: readonly { Source: string; DetailType: string; Detail: string; Resources: string[] }[]): { readonly FailedEntryCount: number; readonly Entries: readonly unknown[] };
}

export interface LocalDestinationOptions {
  /** Returns the queue with this id (`service.name`); called per record, so a reloaded config applies. */
  readonly getQueue: (queueId: string) => QueueModel | undefined;
  readonly queues?: QueueSender;
  readonly bus?: BusPublisher;
}

/**
 * `detail-type` of records sent to EventBridge.
 * NOTE: the Lambda documentation prints an en dash in these names. Whether live events use an en dash or a
 * hyphen is unconfirmed, so this follows the documentation.
 */
export const BUS_DETAIL_TYPES = Object.freeze({
  Success: 'Lambda Function Invocation Result – Success',
  Failure: 'Lambda Function Invocation Result – Failure',
});

export function createLocalDestinationSink(options: LocalDestinationOptions): DestinationSink {
  return {
    async send(destination: ExternalDestination, record: DestinationRecord): Promise<void> {
      if (destination.kind === 'queue') sendToQueue(options, destination.queueId, record);
      else publishToBus(options, record);
    },
  };
}

function sendToQueue(options: LocalDestinationOptions, queueId: string, record: DestinationRecord): void {
  const queue = options.getQueue(queueId);
  if (!queue || !options.queues) throw new Error(`the destination queue ${queueId} does not exist in this local cloud.`);
  // Lambda sends records only to standard queues; a FIFO destination counts as a delivery failure.
  if (queue.fifo) throw new Error(`the destination queue ${queueId} is a FIFO queue; Lambda sends invocation records to standard queues only.`);
  options.queues.sendMessage(queue.physicalName, { body: JSON.stringify(record) });
}

function publishToBus(options: LocalDestinationOptions, record: DestinationRecord): void {
  if (!options.bus) throw new Error('the application has no event bus in this local cloud.');
  const succeeded = record.requestContext.condition === 'Success';
  const result = options.bus.putEvents([{
    Source: 'lambda',
    DetailType: succeeded ? BUS_DETAIL_TYPES.Success : BUS_DETAIL_TYPES.Failure,
    Detail: JSON.stringify(record),
    // NOTE: the resources Lambda lists on this event are not documented; this lists the invoked function's ARN.
    Resources: [record.requestContext.functionArn],
  }]);
  if (result.FailedEntryCount > 0) throw new Error(`the event bus rejected the invocation record: ${JSON.stringify(result.Entries)}`);
}
