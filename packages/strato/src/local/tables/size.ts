/**
 * Item values and their size as DynamoDB counts it.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
import { validationError } from './errors.ts';
import type { Item } from './types.ts';

/** Maximum item size, 400 KB, counting attribute names and values. */
export const ITEM_MAX_BYTES = 400 * 1024;

/**
 * Returns the size of an item in bytes, and rejects values that the store
 * cannot keep: numbers that are not finite, and types other than strings,
 * numbers, booleans, null, arrays and plain objects.
 * NOTE: binary values and sets, which DynamoDB has, are not supported here yet,
 * because items are stored as JSON.
 */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name) + valueSize(value, name);
  }
  return size;
}

function valueSize(value: unknown, path: string): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return numberSize(value, path);
  if (typeof value === 'boolean' || value === null) return 1;

  // A list or a map costs 3 bytes, plus 1 byte for each element.
  if (Array.isArray(value)) {
    return value.reduce<number>((sum, element, index) => sum + 1 + valueSize(element ?? null, `${path}[${index}]`), 3);
  }
  if (isPlainObject(value)) {
    let size = 3;
    for (const [name, element] of Object.entries(value)) {
      if (element === undefined) continue;
      size += 1 + Buffer.byteLength(name) + valueSize(element, `${path}.${name}`);
    }
    return size;
  }

  throw validationError(`Unsupported type passed at ${path}: ${describeType(value)}. Use strings, numbers, booleans, null, arrays and plain objects.`);
}

/** A number costs 1 byte per two significant digits, plus 1 byte. */
function numberSize(value: number, path: string): number {
  if (!Number.isFinite(value)) {
    throw validationError(`The parameter cannot be converted to a numeric value: ${value} (at ${path})`);
  }
  const digits = Math.abs(value).toExponential().split('e')[0]!.replace('.', '');
  return Math.ceil(digits.length / 2) + 1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeType(value: unknown): string {
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}
