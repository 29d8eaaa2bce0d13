/**
 * Item values and their size as DynamoDB counts it.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 */
import { validationError } from './errors.ts';
import type { Item } from './types.ts';

/** Maximum item size, 400 KB, counting attribute names and values. */
export const ITEM_MAX_BYTES = 400 * 1024;

/**
 * Returns the size of an item in bytes. Rejects what DynamoDB's document view
 * cannot contain: numbers that are not finite, and empty or mixed sets. Other
 * types than strings, numbers, booleans, null, binary (`Uint8Array`), sets,
 * arrays and plain objects are rejected too.
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
  // Binary values count their raw bytes.
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return setSize(value, path);

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

  throw validationError(`Unsupported type passed at ${path}: ${describeType(value)}. Use strings, numbers, booleans, null, Uint8Arrays, sets, arrays and plain objects.`);
}

/**
 * Sizes a set as the sum of its elements.
 * NOTE: DynamoDB documents no overhead for sets, so none is counted.
 */
function setSize(set: Set<unknown>, path: string): number {
  const elements = [...set];
  if (elements.length === 0) {
    throw validationError(`One or more parameter values were invalid: An set may not be empty (at ${path}). Remove the attribute, or store an empty list instead.`);
  }
  const allStrings = elements.every((element) => typeof element === 'string');
  const allNumbers = elements.every((element) => typeof element === 'number');
  const allBinary = elements.every((element) => element instanceof Uint8Array);
  if (!allStrings && !allNumbers && !allBinary) {
    throw validationError(`Unsupported type passed at ${path}: a set must contain only strings, only numbers or only Uint8Arrays.`);
  }
  return elements.reduce<number>((sum, element, index) => sum + valueSize(element, `${path}[${index}]`), 0);
}

/** Sizes a number: 1 byte per two significant digits, plus 1 byte. */
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
