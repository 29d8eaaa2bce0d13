/**
 * The match expressions of an EventBridge event pattern: the entries of the
 * array that stands for one field, such as `"prefix"`, `"numeric"` or
 * `"anything-but"`, each compiled once into a test on one leaf value.
 *
 * The rules follow the EventBridge user guide, "Content filtering in Amazon
 * EventBridge event patterns" and "Comparison operators for use in event
 * patterns" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 * Where the guide is silent, the reasons of errors and the edge cases follow
 * aws/event-ruler (`JsonRuleCompiler.java`, `WildcardParser.java`), the
 * matching library behind EventBridge.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** A leaf value of an event: what a field holds when it is neither an object nor an array. */
export type Leaf = string | number | boolean | null;

/** A test on one leaf value of an event. */
export type LeafTest = (value: Leaf) => boolean;

/** The compiler's receiver of problems: malformed parts of a pattern. */
export interface PatternContext {
  /** Records a problem and returns `undefined`, so a compile step can end with `return context.problem(...)`. */
  problem(path: string, reason: string): undefined;
}

/**
 * The compiled array of one field: positive tests, and the `exists` flags,
 * which apply to the field as a whole rather than to each value.
 */
export interface FieldCondition {
  readonly tests: readonly LeafTest[];
  /** `{ "exists": true }` is present: any leaf value matches. */
  readonly existsTrue: boolean;
  /** `{ "exists": false }` is present: the field having no leaf value matches. */
  readonly existsFalse: boolean;
}

/**
 * Numbers are compared within -5.0e9 to 5.0e9, inclusive: the range of
 * event-ruler's `ComparableNumber`. The user guide's older text gives ±1.0e9.
 */
const NUMBER_LIMIT = 5e9;

/** Compiles the array of values that a pattern gives for one field. */
export function compileFieldValues(values: readonly unknown[], path: string, context: PatternContext): FieldCondition {
  if (values.length === 0) context.problem(path, 'Empty arrays are not allowed');

  const exactStrings = new Set<string>();
  const exactNumbers = new Set<number>();
  const exactOthers = new Set<boolean | null>();
  const tests: LeafTest[] = [];
  let existsTrue = false;
  let existsFalse = false;

  values.forEach((value, index) => {
    const place = `${path}[${index}]`;
    if (typeof value === 'string') exactStrings.add(value);
    else if (typeof value === 'number') exactNumbers.add(value);
    else if (typeof value === 'boolean' || value === null) exactOthers.add(value);
    else if (isPlainObject(value)) {
      const expression = compileMatchExpression(value, place, context);
      if (expression === 'exists:true') existsTrue = true;
      else if (expression === 'exists:false') existsFalse = true;
      else if (expression) tests.push(expression);
    } else {
      context.problem(place, 'Match value must be String, number, true, false, or null');
    }
  });

  // Exact values come first: they are the common case and a set lookup is cheap.
  if (exactOthers.size > 0) tests.unshift((leaf) => exactOthers.has(leaf as boolean | null));
  if (exactNumbers.size > 0) tests.unshift((leaf) => typeof leaf === 'number' && exactNumbers.has(leaf));
  if (exactStrings.size > 0) tests.unshift((leaf) => typeof leaf === 'string' && exactStrings.has(leaf));
  return { tests, existsTrue, existsFalse };
}

type Expression = LeafTest | 'exists:true' | 'exists:false' | undefined;

function compileMatchExpression(expression: Record<string, unknown>, path: string, context: PatternContext): Expression {
  const keys = Object.keys(expression);
  if (keys.length === 0) {
    context.problem(path, 'Match expression name not found');
    return undefined;
  }
  if (keys.length > 1) {
    context.problem(path, 'Only one key allowed in match expression');
    return undefined;
  }

  const name = keys[0]!;
  const operand = expression[name];
  const place = `${path}.${name}`;
  switch (name) {
    case 'prefix':
      return compileAffix('prefix', operand, place, context);
    case 'suffix':
      return compileAffix('suffix', operand, place, context);
    case 'equals-ignore-case':
      return typeof operand === 'string'
        ? equalsIgnoreCase([operand])
        : context.problem(place, 'equals-ignore-case match pattern must be a string');
    case 'wildcard':
      return typeof operand === 'string'
        ? wildcard([operand], place, context)
        : context.problem(place, 'wildcard match pattern must be a string');
    case 'numeric':
      return compileNumeric(operand, place, context);
    case 'cidr':
      return compileCidr(operand, place, context);
    case 'exists':
      if (operand === true) return 'exists:true';
      if (operand === false) return 'exists:false';
      return context.problem(place, 'exists match pattern must be either true or false.');
    case 'anything-but':
      return compileAnythingBut(operand, place, context);
    default:
      return context.problem(path, `Unrecognized match type ${name}`);
  }
}

/** `{ "prefix": "us-" }` or `{ "prefix": { "equals-ignore-case": "us-" } }`, and the same for suffix. */
function compileAffix(kind: 'prefix' | 'suffix', operand: unknown, path: string, context: PatternContext): LeafTest | undefined {
  if (typeof operand === 'string') return kind === 'prefix' ? prefix(operand) : suffix(operand);

  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') {
    const lower = operand['equals-ignore-case'].toLowerCase();
    return kind === 'prefix'
      ? (leaf) => typeof leaf === 'string' && leaf.toLowerCase().startsWith(lower)
      : (leaf) => typeof leaf === 'string' && leaf.toLowerCase().endsWith(lower);
  }
  return context.problem(path, `${kind} match pattern must be a string`);
}

function prefix(text: string): LeafTest {
  return (leaf) => typeof leaf === 'string' && leaf.startsWith(text);
}

function suffix(text: string): LeafTest {
  return (leaf) => typeof leaf === 'string' && leaf.endsWith(text);
}

function equalsIgnoreCase(texts: readonly string[]): LeafTest {
  const lower = new Set(texts.map((text) => text.toLowerCase()));
  return (leaf) => typeof leaf === 'string' && lower.has(leaf.toLowerCase());
}

/**
 * `*` matches any run of characters, `\*` a literal asterisk and `\\` a
 * backslash. Two asterisks in a row and any other escape are rejected, as
 * event-ruler's `WildcardParser` rejects them.
 */
function wildcard(patterns: readonly string[], path: string, context: PatternContext): LeafTest | undefined {
  const sources: string[] = [];
  for (const pattern of patterns) {
    const source = wildcardSource(pattern, path, context);
    if (source === undefined) return undefined;
    sources.push(source);
  }
  const regex = new RegExp(`^(?:${sources.join('|')})$`, 's');
  return (leaf) => typeof leaf === 'string' && regex.test(leaf);
}

function wildcardSource(pattern: string, path: string, context: PatternContext): string | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') return context.problem(path, `Consecutive wildcard characters at pos ${i}`);
      source += '.*';
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return context.problem(path, `Invalid escape character at pos ${i}`);
      source += `\\${next}`;
      i++;
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return source;
}

/**
 * `[">", 0, "<=", 5]`: one bound, or a lower bound (`>`, `>=`) followed by
 * an upper bound (`<`, `<=`), or `["=", n]`. Only JSON numbers in the event match.
 */
function compileNumeric(operand: unknown, path: string, context: PatternContext): LeafTest | undefined {
  if (!Array.isArray(operand)) return context.problem(path, 'Value of numeric must be an array.');

  const terms = [...operand];
  const first = readBound(terms, 0, path, context);
  if (!first) return undefined;
  if (terms.length === 2) return boundTest(first);

  if (first.operator !== '>' && first.operator !== '>=') return context.problem(path, 'Too many elements in numeric expression');
  if (terms.length !== 4) return context.problem(path, 'Too many terms in numeric range expression');
  const second = readBound(terms, 2, path, context);
  if (!second) return undefined;
  if (second.operator !== '<' && second.operator !== '<=') return context.problem(path, `Bad numeric range operator: ${second.operator}`);
  if (first.value >= second.value) return context.problem(path, 'Bottom must be less than top');

  const lower = boundTest(first);
  const upper = boundTest(second);
  return (leaf) => lower(leaf) && upper(leaf);
}

interface Bound {
  readonly operator: '<' | '<=' | '=' | '>' | '>=';
  readonly value: number;
}

const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>=']);

function readBound(terms: readonly unknown[], at: number, path: string, context: PatternContext): Bound | undefined {
  const operator = terms[at];
  const value = terms[at + 1];
  if (typeof operator !== 'string') return context.problem(path, `Invalid member in numeric match: ${JSON.stringify(operator)}`);
  if (!NUMERIC_OPERATORS.has(operator)) return context.problem(path, `Unrecognized numeric range operator: ${operator}`);
  if (typeof value !== 'number') return context.problem(path, `Value of ${operator} must be numeric`);
  if (value < -NUMBER_LIMIT || value > NUMBER_LIMIT) return context.problem(path, `Value must be between ${-NUMBER_LIMIT} and ${NUMBER_LIMIT}, inclusive`);
  return { operator: operator as Bound['operator'], value };
}

function boundTest({ operator, value }: Bound): LeafTest {
  switch (operator) {
    case '<': return (leaf) => typeof leaf === 'number' && leaf < value;
    case '<=': return (leaf) => typeof leaf === 'number' && leaf <= value;
    case '=': return (leaf) => typeof leaf === 'number' && leaf === value;
    case '>': return (leaf) => typeof leaf === 'number' && leaf > value;
    case '>=': return (leaf) => typeof leaf === 'number' && leaf >= value;
  }
}

/** `{ "cidr": "10.0.0.0/24" }`, IPv4 or IPv6: matches string values that are addresses in the block. */
function compileCidr(operand: unknown, path: string, context: PatternContext): LeafTest | undefined {
  if (typeof operand !== 'string') return context.problem(path, 'cidr match pattern must be a string');

  const [address = '', prefixText, ...rest] = operand.split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  const prefixLength = Number(prefixText);
  const maxPrefix = family === 'ipv4' ? 32 : 128;
  if (!family || rest.length > 0 || !/^\d+$/.test(prefixText ?? '') || prefixLength > maxPrefix) {
    return context.problem(path, `Invalid CIDR: "${operand}"; write an address and a prefix length, such as 10.0.0.0/24`);
  }

  const block = new BlockList();
  block.addSubnet(address, prefixLength, family);
  return (leaf) => {
    if (typeof leaf !== 'string') return false;
    if (isIPv4(leaf)) return block.check(leaf, 'ipv4');
    return isIPv6(leaf) && block.check(leaf, 'ipv6');
  };
}

/**
 * `anything-but` takes a string, a number, a list of strings or of numbers,
 * or one of `prefix`, `suffix`, `equals-ignore-case` and `wildcard`. It
 * matches every leaf value that the excluded form would not match, numbers,
 * booleans and null included, as event-ruler's `AnythingBut` does. A field
 * without a value does not match.
 */
function compileAnythingBut(operand: unknown, path: string, context: PatternContext): LeafTest | undefined {
  const excluded = compileExcluded(operand, path, context);
  return excluded ? (leaf) => !excluded(leaf) : undefined;
}

function compileExcluded(operand: unknown, path: string, context: PatternContext): LeafTest | undefined {
  if (typeof operand === 'string') return (leaf) => leaf === operand;
  if (typeof operand === 'number') {
    if (Math.abs(operand) > NUMBER_LIMIT) return context.problem(path, `Value must be between ${-NUMBER_LIMIT} and ${NUMBER_LIMIT}, inclusive`);
    return (leaf) => leaf === operand;
  }
  if (Array.isArray(operand)) return compileExcludedList(operand, path, context);
  if (!isPlainObject(operand)) {
    return context.problem(path, 'Value of anything-but must be an array or single string/number value.');
  }

  const keys = Object.keys(operand);
  if (keys.length !== 1) {
    return context.problem(path, keys.length === 0 ? 'Anything-But expression name not found' : 'Only one key allowed in match expression');
  }
  const name = keys[0]!;
  const inner = operand[name];
  const place = `${path}.${name}`;
  switch (name) {
    case 'prefix':
    case 'suffix':
      if (typeof inner !== 'string') return context.problem(place, 'prefix/suffix match pattern must be a string');
      if (inner === '') return context.problem(place, 'Null prefix/suffix not allowed');
      return name === 'prefix' ? prefix(inner) : suffix(inner);
    case 'equals-ignore-case': {
      const texts = stringOrStrings(inner);
      return texts ? equalsIgnoreCase(texts) : context.problem(place, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
    }
    case 'wildcard': {
      const patterns = stringOrStrings(inner);
      return patterns ? wildcard(patterns, place, context) : context.problem(place, 'Inside anything-but/wildcard list, number|start|null|boolean is not supported.');
    }
    default:
      return context.problem(place, `Unsupported anything-but pattern: ${name}`);
  }
}

function compileExcludedList(list: readonly unknown[], path: string, context: PatternContext): LeafTest | undefined {
  const allStrings = list.length > 0 && list.every((item) => typeof item === 'string');
  const allNumbers = list.length > 0 && list.every((item) => typeof item === 'number');
  if (!allStrings && !allNumbers) {
    const hasOther = list.some((item) => typeof item !== 'string' && typeof item !== 'number');
    return context.problem(path, hasOther
      ? 'Inside anything but list, start|null|boolean is not supported.'
      : 'Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  const values = new Set<Leaf>(list as Leaf[]);
  return (leaf) => values.has(leaf);
}

function stringOrStrings(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
