/**
 * Checks of SQS's limits on what a message may carry, with SQS's errors.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
import { QueueError, invalidParameter } from './errors.ts';
import type { MessageAttributes, SendMessageInput } from './types.ts';

/** Maximum size of a message (body plus attributes) and of a whole batch: 256 KiB. */
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_DELAY_SECONDS = 900;

// The characters SQS accepts in a body: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
const INVALID_BODY_CHARACTER = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]{1,250})?$/;
// Message group and deduplication ids: 1 to 128 printable ASCII characters.
const FIFO_ID = /^[\x21-\x7E]{1,128}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Checks one message and returns its size as SQS counts it: the body's bytes plus each attribute's name, type and value. */
export function checkMessage(input: SendMessageInput, fifo: boolean): number {
  if (typeof input?.body !== 'string' || input.body.length === 0) {
    throw new QueueError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (INVALID_BODY_CHARACTER.test(input.body)) {
    throw new QueueError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  }
  checkDelay(input.delaySeconds, fifo);
  checkFifoIds(input, fifo);

  const size = Buffer.byteLength(input.body, 'utf8') + checkAttributes(input.messageAttributes);
  if (size > MAX_MESSAGE_BYTES) {
    throw new QueueError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
  }
  return size;
}

function checkDelay(delaySeconds: number | undefined, fifo: boolean): void {
  if (delaySeconds === undefined) return;
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
    throw invalidParameter('DelaySeconds', delaySeconds, `DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
  }
  // FIFO queues take a delay only from the queue's setting.
  if (fifo && delaySeconds !== 0) {
    throw invalidParameter('DelaySeconds', delaySeconds, 'The request include parameter that is not valid for this queue type. Set deliveryDelay on the FIFO queue instead.');
  }
}

function checkFifoIds(input: SendMessageInput, fifo: boolean): void {
  if (fifo && input.messageGroupId === undefined) {
    throw new QueueError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
  }
  if (input.messageGroupId !== undefined && !FIFO_ID.test(input.messageGroupId)) {
    throw invalidParameter('MessageGroupId', input.messageGroupId, 'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
  }
  if (input.messageDeduplicationId !== undefined) {
    if (!fifo) {
      throw invalidParameter('MessageDeduplicationId', input.messageDeduplicationId, 'The request include parameter that is not valid for this queue type.');
    }
    if (!FIFO_ID.test(input.messageDeduplicationId)) {
      throw invalidParameter('MessageDeduplicationId', input.messageDeduplicationId, 'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.');
    }
  }
}

/** Checks the attributes and returns the bytes they add to the message's size. */
function checkAttributes(attributes: MessageAttributes | undefined): number {
  if (attributes === undefined) return 0;
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new QueueError('InvalidParameterValue', `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }

  let size = 0;
  for (const name of names) {
    checkAttributeName(name);
    const attribute = attributes[name]!;
    const dataType = attribute?.dataType;
    if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType)) {
      throw new QueueError('InvalidParameterValue', `The message attribute '${name}' has an invalid message attribute type "${String(dataType)}". Use String, Number or Binary, optionally followed by a custom type label such as "Number.int".`);
    }
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(dataType, 'utf8') + checkAttributeValue(name, attribute);
  }
  return size;
}

function checkAttributeName(name: string): void {
  const lower = name.toLowerCase();
  const valid = ATTRIBUTE_NAME.test(name)
    && !name.startsWith('.') && !name.endsWith('.') && !name.includes('..')
    && !lower.startsWith('aws.') && !lower.startsWith('amazon.');
  if (!valid) {
    throw new QueueError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid. Use letters, digits, '_', '-' and '.' (not first, last or twice in a row), at most 256 characters, not starting with 'AWS.' or 'Amazon.'.`);
  }
}

function checkAttributeValue(name: string, attribute: MessageAttributes[string]): number {
  const baseType = attribute.dataType.split('.')[0]!;
  if (baseType === 'Binary') {
    if (!(attribute.binaryValue instanceof Uint8Array) || attribute.binaryValue.length === 0) {
      throw new QueueError('InvalidParameterValue', `Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
    }
    return attribute.binaryValue.length;
  }

  const value = attribute.stringValue;
  if (typeof value !== 'string' || value.length === 0) {
    throw new QueueError('InvalidParameterValue', `Message (user) attribute '${name}' must contain a non-empty value of type '${baseType}'.`);
  }
  if (baseType === 'Number' && !NUMBER.test(value)) {
    throw new QueueError('InvalidParameterValue', `Value ${value} for parameter MessageAttributes.${name} is invalid. Reason: '${value}' is not a valid number.`);
  }
  if (INVALID_BODY_CHARACTER.test(value)) {
    throw new QueueError('InvalidParameterValue', `Message (user) attribute '${name}' contains characters outside the allowed set.`);
  }
  return Buffer.byteLength(value, 'utf8');
}

const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a batch's entry count and ids, as SQS does before it looks at any entry. */
export function checkBatchIds(entries: readonly { readonly id: string }[], entryName: string): void {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new QueueError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new QueueError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (typeof entry?.id !== 'string' || !BATCH_ENTRY_ID.test(entry.id)) {
      throw new QueueError('InvalidBatchEntryId', `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Received: "${String(entry?.id)}".`);
    }
    if (seen.has(entry.id)) throw new QueueError('BatchEntryIdsNotDistinct', `Id ${entry.id} repeated.`);
    seen.add(entry.id);
  }
}
