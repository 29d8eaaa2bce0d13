/** Inputs and outputs of the queue engine, named after the fields of the SQS API in camel case. */

/**
 * A message attribute. `String` and `Number` types carry `stringValue`,
 * `Binary` types carry `binaryValue`; a type may add a custom suffix, such as
 * `Number.int` or `Binary.png`.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
export interface MessageAttributeValue {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

export interface SendMessageInput {
  readonly body: string;
  /** Seconds the message stays hidden, 0 to 900. Standard queues only. Without it, the queue's delivery delay applies. */
  readonly delaySeconds?: number;
  readonly messageAttributes?: MessageAttributes;
  /** Required on FIFO queues: messages of one group are delivered in order, one batch at a time. */
  readonly messageGroupId?: string;
  /** FIFO queues: a second message with the same id within 5 minutes is accepted but not delivered. */
  readonly messageDeduplicationId?: string;
}

/** Identity of the sender, delivered as the message's `SenderId` attribute. */
export interface SendContext {
  readonly senderId?: string;
  /** The X-Ray trace header, delivered as the `AWSTraceHeader` attribute. */
  readonly traceHeader?: string;
}

export interface SendMessageResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes?: string;
  /** FIFO queues: a 20-digit number that grows within each message group. */
  readonly sequenceNumber?: string;
}

export interface SendMessageBatchEntry extends SendMessageInput {
  /** Identifies the entry in the result: letters, digits, `-` and `_`, at most 80 characters. */
  readonly id: string;
}

/** A batch entry that failed, as SQS reports it. */
export interface BatchResultError {
  readonly id: string;
  readonly senderFault: boolean;
  readonly code: string;
  readonly message: string;
}

export interface SendMessageBatchResult {
  readonly successful: readonly (SendMessageResult & { readonly id: string })[];
  readonly failed: readonly BatchResultError[];
}

export interface ReceiveMessageInput {
  /** 1 to 10. @default 1 */
  readonly maxNumberOfMessages?: number;
  /** Seconds the received messages stay hidden. Without it, the queue's visibility timeout applies. */
  readonly visibilityTimeout?: number;
  /** Seconds to wait for a message when none is visible, 0 to 20 (long polling). @default 0 */
  readonly waitTimeSeconds?: number;
  /** Ends a long poll early, as when a poller stops. */
  readonly signal?: AbortSignal;
}

/** The attributes SQS returns with each message; every value is a string. */
export interface MessageSystemAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
  readonly AWSTraceHeader?: string;
  readonly SequenceNumber?: string;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
  readonly DeadLetterQueueSourceArn?: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
  readonly attributes: MessageSystemAttributes;
  readonly messageAttributes: MessageAttributes;
}

export interface BatchEntryResult {
  readonly successful: readonly { readonly id: string }[];
  readonly failed: readonly BatchResultError[];
}

export interface QueueCounts {
  /** Messages that can be received now. */
  readonly visible: number;
  /** Messages received and not yet deleted or visible again. */
  readonly inFlight: number;
  /** Messages waiting for their delivery delay. */
  readonly delayed: number;
}
