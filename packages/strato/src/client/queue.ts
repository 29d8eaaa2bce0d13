/**
 * The queue client: sends and receives messages of one linked queue, with
 * SQS's semantics and errors.
 *
 * ```ts
 * import { queue } from 'strato/client';
 *
 * const jobs = queue('jobs');
 * await jobs.send({ photoId }, { attributes: { priority: 5 } });
 * ```
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/Welcome.html
 */
import type {
  BatchEntryResult, MessageAttributeValue, MessageAttributes, ReceivedMessage, SendMessageBatchResult, SendMessageResult,
} from '../local/queues/types.ts';
import { callDriver } from './driver.ts';
import { physicalNameOf } from './resource-names.ts';

/**
 * An attribute value: text becomes a `String` attribute, a number a `Number`
 * attribute, bytes a `Binary` attribute; a full value sets the data type.
 */
export type AttributeInput = string | number | Uint8Array | MessageAttributeValue;

export interface SendOptions {
  /** Seconds the message stays hidden, 0 to 900. Standard queues only. */
  readonly delaySeconds?: number;
  /** At most 10 message attributes. */
  readonly attributes?: Readonly<Record<string, AttributeInput>>;
  /** FIFO queues: messages of a group are delivered in order. Required there. */
  readonly groupId?: string;
  /** FIFO queues: a repeat within 5 minutes is accepted and dropped. Without it, the queue needs content-based deduplication. */
  readonly deduplicationId?: string;
}

export interface BatchMessage extends SendOptions {
  /** Identifies the entry in the result. @default its index in the batch */
  readonly id?: string;
  readonly body: string | object;
}

export interface ReceiveOptions {
  /** 1 to 10. @default 1 */
  readonly maxMessages?: number;
  /** Seconds to wait for a message, 0 to 20. @default 0 */
  readonly waitSeconds?: number;
  /** Seconds the messages stay hidden. @default the queue's visibility timeout */
  readonly visibilityTimeout?: number;
}

export class QueueClient {
  /** Physical name of the queue. */
  readonly name: string;

  constructor(linkName: string) {
    this.name = physicalNameOf('QUEUE', linkName);
  }

  /** Sends one message; an object body is sent as JSON. Resolves once the message is stored. */
  async send(body: string | object, options: SendOptions = {}): Promise<SendMessageResult> {
    return await callDriver('queue', this.name, 'send', messageInput(body, options)) as SendMessageResult;
  }

  /**
   * Sends up to 10 messages, 256 KiB together. Entries fail one by one:
   * check `failed` in the result.
   */
  async sendBatch(messages: readonly BatchMessage[]): Promise<SendMessageBatchResult> {
    const entries = messages.map((message, index) => ({ id: message.id ?? String(index), ...messageInput(message.body, message) }));
    return await callDriver('queue', this.name, 'sendBatch', { entries }) as SendMessageBatchResult;
  }

  /** Receives up to `maxMessages` messages and hides them for the visibility timeout. Delete each one that is done. */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const input = { maxNumberOfMessages: options.maxMessages, waitTimeSeconds: options.waitSeconds, visibilityTimeout: options.visibilityTimeout };
    const output = await callDriver('queue', this.name, 'receive', input) as { messages: ReceivedMessage[] };
    return output.messages;
  }

  /** Deletes a received message by the receipt handle of its latest receive. */
  async delete(receiptHandle: string): Promise<void> {
    await callDriver('queue', this.name, 'delete', { receiptHandle });
  }

  /** Deletes up to 10 received messages; entries fail one by one. */
  async deleteBatch(receiptHandles: readonly string[]): Promise<BatchEntryResult> {
    const entries = receiptHandles.map((receiptHandle, index) => ({ id: String(index), receiptHandle }));
    return await callDriver('queue', this.name, 'deleteBatch', { entries }) as BatchEntryResult;
  }

  /** Hides a received message for `seconds` more, counted from now; 0 makes it visible at once. */
  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await callDriver('queue', this.name, 'changeVisibility', { receiptHandle, visibilityTimeout: seconds });
  }
}

/** Returns a client for a queue the function links. */
export function queue(name: string): QueueClient {
  return new QueueClient(name);
}

function messageInput(body: string | object, options: SendOptions) {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    delaySeconds: options.delaySeconds,
    messageAttributes: options.attributes === undefined ? undefined : attributeValues(options.attributes),
    messageGroupId: options.groupId,
    messageDeduplicationId: options.deduplicationId,
  };
}

function attributeValues(attributes: Readonly<Record<string, AttributeInput>>): MessageAttributes {
  const values: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') values[name] = { dataType: 'String', stringValue: value };
    else if (typeof value === 'number') values[name] = { dataType: 'Number', stringValue: String(value) };
    else if (value instanceof Uint8Array) values[name] = { dataType: 'Binary', binaryValue: value };
    else values[name] = value;
  }
  return values;
}
