/**
 * Kinesis's limits on what a put may carry.
 * @see https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
 */
import { StreamError, lengthConstraint } from './errors.ts';
import type { PutRecordInput } from './types.ts';

/** Maximum size of a record's data blob: 1 MiB. */
export const MAX_RECORD_DATA_BYTES = 1_048_576;
export const MAX_PUT_RECORDS = 500;
/** Maximum size of a PutRecords request, partition keys included: 5 MiB. */
export const MAX_PUT_RECORDS_BYTES = 5 * 1_048_576;
export const MAX_PARTITION_KEY_LENGTH = 256;

/** Checks one record and returns its size as a PutRecords request counts it. `field` is the record's place in the request. */
export function checkRecord(record: PutRecordInput, field: string): number {
  if (!(record?.data instanceof Uint8Array)) {
    throw new StreamError('ValidationException', `1 validation error detected: Value at '${field}data' failed to satisfy constraint: Member must not be null. Pass the record's bytes as a Uint8Array.`);
  }
  if (record.data.length > MAX_RECORD_DATA_BYTES) throw lengthConstraint(`${field}data`, 'less than or equal to', MAX_RECORD_DATA_BYTES);

  const partitionKey = record.partitionKey;
  if (typeof partitionKey !== 'string' || partitionKey.length < 1) throw lengthConstraint(`${field}partitionKey`, 'greater than or equal to', 1);
  if (partitionKey.length > MAX_PARTITION_KEY_LENGTH) throw lengthConstraint(`${field}partitionKey`, 'less than or equal to', MAX_PARTITION_KEY_LENGTH);

  return record.data.length + Buffer.byteLength(partitionKey, 'utf8');
}

/** Checks a PutRecords request as a whole, then each record. */
export function checkRecords(records: readonly PutRecordInput[]): void {
  if (!Array.isArray(records) || records.length < 1) throw lengthConstraint('records', 'greater than or equal to', 1);
  if (records.length > MAX_PUT_RECORDS) throw lengthConstraint('records', 'less than or equal to', MAX_PUT_RECORDS);

  let totalBytes = 0;
  records.forEach((record, index) => {
    totalBytes += checkRecord(record, `records.${index + 1}.member.`);
  });
  if (totalBytes > MAX_PUT_RECORDS_BYTES) {
    throw new StreamError('InvalidArgumentException', `Records size exceeds 5 MB limit: the request carries ${totalBytes} bytes of data and partition keys. Split it into smaller PutRecords calls.`);
  }
}
