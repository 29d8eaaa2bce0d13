/**
 * Receipt handles: opaque to the caller, they name the queue, the message and
 * the receive that issued them. Each receive draws a new token, so a handle
 * from an earlier receive no longer matches the message.
 */
import { receiptHandleIsInvalid } from './errors.ts';

export interface ReceiptHandleParts {
  readonly queue: string;
  /** Row id of the message, which finds it without an index on message ids. */
  readonly seq: number;
  readonly messageId: string;
  readonly token: string;
}

const SEPARATOR = '\n';

export function encodeReceiptHandle(parts: ReceiptHandleParts): string {
  return Buffer.from([parts.queue, parts.seq, parts.messageId, parts.token].join(SEPARATOR), 'utf8').toString('base64');
}

/** Returns the parts of a handle issued for this queue, or throws ReceiptHandleIsInvalid. */
export function decodeReceiptHandle(queue: string, receiptHandle: unknown): ReceiptHandleParts {
  if (typeof receiptHandle !== 'string' || receiptHandle.length === 0) throw receiptHandleIsInvalid(String(receiptHandle));

  const fields = Buffer.from(receiptHandle, 'base64').toString('utf8').split(SEPARATOR);
  const seq = Number(fields[1]);
  if (fields.length !== 4 || fields[0] !== queue || !Number.isSafeInteger(seq) || !fields[2] || !fields[3]) throw receiptHandleIsInvalid(receiptHandle);
  return { queue, seq, messageId: fields[2], token: fields[3] };
}
