/**
 * Items as stored JSON. JSON has no binary values and no sets, which
 * DynamoDB has (`B`, `SS`, `NS`, `BS`), so those are written as one-key
 * objects whose key starts with U+0000, a character that no attribute name
 * in practice contains.
 */
import type { Item } from './types.ts';

const TAG = '\u0000';
const BINARY = `${TAG}B`;
const STRING_SET = `${TAG}SS`;
const NUMBER_SET = `${TAG}NS`;
const BINARY_SET = `${TAG}BS`;

/** JSON.stringify writes U+0000 as this escape, so its absence means no value is tagged. */
const ESCAPED_TAG = '\\u0000';

export function encodeItem(item: Item): string {
  return JSON.stringify(item, replaceSpecialValue);
}

export function decodeItem(text: string): Item {
  // Most items hold no tagged value; parsing them without a reviver is much faster.
  return (text.includes(ESCAPED_TAG) ? JSON.parse(text, reviveSpecialValue) : JSON.parse(text)) as Item;
}

function replaceSpecialValue(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before toJSON: a Buffer's toJSON would hide that it is binary.
  const original = this[key];
  if (original instanceof Uint8Array) return { [BINARY]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') };
  if (original instanceof Set) {
    const elements = [...original];
    if (elements.every((element) => typeof element === 'number')) return { [NUMBER_SET]: elements };
    if (elements.every((element) => element instanceof Uint8Array)) return { [BINARY_SET]: elements.map((element) => Buffer.from(element).toString('base64')) };
    return { [STRING_SET]: elements };
  }
  return value;
}

function reviveSpecialValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;

  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0]!.startsWith(TAG)) return value;

  const content = (value as Record<string, unknown>)[keys[0]!];
  switch (keys[0]) {
    case BINARY: return toBytes(content as string);
    case STRING_SET: return new Set(content as string[]);
    case NUMBER_SET: return new Set(content as number[]);
    case BINARY_SET: return new Set((content as string[]).map(toBytes));
    default: return value;
  }
}

function toBytes(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
