/** Conversions between the messages of the API and the rows of the database. */
import type { MessageRow } from './database.ts';
import { encodeReceiptHandle } from './receipt-handles.ts';
import type { MessageAttributes, MessageAttributeValue, MessageSystemAttributes, ReceivedMessage } from './types.ts';

interface StoredAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  /** Base64 of the binary value. */
  readonly binaryValue?: string;
}

/** Returns the attributes as JSON for the database, or null when there are none. */
export function serializeAttributes(attributes: MessageAttributes | undefined): string | null {
  if (!attributes || Object.keys(attributes).length === 0) return null;

  const stored: Record<string, StoredAttribute> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    stored[name] = attribute.binaryValue !== undefined
      ? { dataType: attribute.dataType, binaryValue: Buffer.from(attribute.binaryValue).toString('base64') }
      : { dataType: attribute.dataType, stringValue: attribute.stringValue };
  }
  return JSON.stringify(stored);
}

export function parseAttributes(json: string | null): MessageAttributes {
  if (json === null) return {};

  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, stored] of Object.entries(JSON.parse(json) as Record<string, StoredAttribute>)) {
    attributes[name] = stored.binaryValue !== undefined
      ? { dataType: stored.dataType, binaryValue: Buffer.from(stored.binaryValue, 'base64') }
      : { dataType: stored.dataType, stringValue: stored.stringValue };
  }
  return attributes;
}

/**
 * Returns the 20-digit sequence number of a FIFO message, formed from its
 * arrival order so that it grows with every message of the queue.
 */
export function fifoSequenceNumber(seq: number): string {
  return (10n ** 19n + BigInt(seq)).toString();
}

/** Builds the message as ReceiveMessage returns it, right after this receive marked the row. */
export function toReceivedMessage(row: MessageRow, received: { token: string; now: number }, fifo: boolean): ReceivedMessage {
  const attributes: Record<string, string> = {
    ApproximateReceiveCount: String(row.receive_count + 1),
    SentTimestamp: String(row.sent_at),
    SenderId: row.sender_id,
    ApproximateFirstReceiveTimestamp: String(row.first_received_at ?? received.now),
  };
  if (row.trace_header !== null) attributes.AWSTraceHeader = row.trace_header;
  if (fifo) {
    attributes.SequenceNumber = fifoSequenceNumber(row.seq);
    attributes.MessageGroupId = row.group_id ?? '';
    attributes.MessageDeduplicationId = row.deduplication_id ?? '';
  } else if (row.group_id !== null) {
    attributes.MessageGroupId = row.group_id;
  }
  if (row.dead_letter_source_arn !== null) attributes.DeadLetterQueueSourceArn = row.dead_letter_source_arn;

  return {
    messageId: row.message_id,
    receiptHandle: encodeReceiptHandle({ queue: row.queue, seq: row.seq, messageId: row.message_id, token: received.token }),
    body: row.body,
    md5OfBody: row.md5_of_body,
    md5OfMessageAttributes: row.md5_of_message_attributes ?? undefined,
    attributes: attributes as unknown as MessageSystemAttributes,
    messageAttributes: parseAttributes(row.message_attributes),
  };
}
