/**
 * The `SQSEvent` Lambda sends to a function mapped to a queue, with the keys
 * in the order Lambda writes them.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

import type { MessageAttributes, ReceivedMessage } from '../queues/index.ts';

export function toSqsEvent(messages: readonly ReceivedMessage[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((message) => toSqsRecord(message, queueArn, region)) };
}

function toSqsRecord(message: ReceivedMessage, queueArn: string, region: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: eventAttributes(message),
    messageAttributes: eventMessageAttributes(message.messageAttributes),
    // Lambda sends null when the message has no attributes.
    md5OfMessageAttributes: (message.md5OfMessageAttributes ?? null) as string,
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** System attributes, every value a string, FIFO ones in the order Lambda sends them. */
function eventAttributes(message: ReceivedMessage): SQSRecord['attributes'] {
  const source = message.attributes;
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: source.ApproximateReceiveCount,
    SentTimestamp: source.SentTimestamp,
  };
  if (source.SequenceNumber !== undefined) {
    attributes.SequenceNumber = source.SequenceNumber;
    attributes.MessageGroupId = source.MessageGroupId ?? '';
    attributes.SenderId = source.SenderId;
    attributes.MessageDeduplicationId = source.MessageDeduplicationId ?? '';
  } else {
    attributes.SenderId = source.SenderId;
  }
  attributes.ApproximateFirstReceiveTimestamp = source.ApproximateFirstReceiveTimestamp;
  if (source.AWSTraceHeader !== undefined) attributes.AWSTraceHeader = source.AWSTraceHeader;
  if (source.DeadLetterQueueSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = source.DeadLetterQueueSourceArn;
  return attributes as unknown as SQSRecord['attributes'];
}

/** Message attributes camel-cased, binary values in base64, with the list fields that only the Lambda event has. */
function eventMessageAttributes(attributes: MessageAttributes): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    result[name] = attribute.binaryValue !== undefined
      ? { binaryValue: Buffer.from(attribute.binaryValue).toString('base64'), stringListValues: [], binaryListValues: [], dataType: attribute.dataType }
      : { stringValue: attribute.stringValue, stringListValues: [], binaryListValues: [], dataType: attribute.dataType };
  }
  return result;
}
