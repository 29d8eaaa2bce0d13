/**
 * Receipt handles: opaque to the caller, they name the queue, the message and
 * the receive that issued them. Each receive draws a new token, so a handle
 * from an earlier receive no longer matches the message.
 */
import { receiptHandleIsInvalid } from './errors.ts';

export interface ReceiptHandleParts {
  readonly queue: string;
  readonly messageId: string;
  readonly token: string;
}

const SEPARATOR = '\n';

export function encodeReceiptHandle(parts: ReceiptHandleParts): string {
  return Buffer.from([parts.queue, parts.messageId, parts.token].join(SEPARATOR), 'utf8').toString('base64');
}

/** Returns the parts of a handle issued for this queue, or throws ReceiptHandleIsInvalid. */
export function decodeReceiptHandle(queue: string, receiptHandle: unknown): ReceiptHandleParts {
  if (typeof receiptHandle !== 'string' || receiptHandle.length === 0) throw receiptHandleIsInvalid(String(receiptHandle));

  const fields = Buffer.from(receiptHandle, 'base64').toString('utf8').split(SEPARATOR);
  if (fields.length !== 3 || fields[0] !== queue || !fields[1] || !fields[2]) throw receiptHandleIsInvalid(receiptHandle);
  return { queue, messageId: fields[1], token: fields[2] };
}
