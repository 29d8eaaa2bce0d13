/**
 * EventBridge event patterns: validation with the reasons EventBridge gives
 * in an `InvalidEventPatternException`, and compilation, once per rule, into
 * a matcher function that the bus calls for every event.
 *
 * A pattern is an object whose fields mirror the event. A field contains
 * either a nested object or an array of values and match expressions, and
 * the field matches when any value matches. All fields must match, and
 * `$or` lists alternative sets of fields.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/content-filtering-with-event-patterns.html
 */
import { compileFieldValues, isPlainObject, type FieldCondition, type Leaf, type PatternContext } from './event-pattern-values.ts';

/** Returns whether an event (the whole envelope: `source`, `detail-type`, `detail` and the rest) matches. */
export type EventMatcher = (event: unknown) => boolean;

/** One malformed part of a pattern. */
export interface EventPatternProblem {
  /** Place in the pattern, such as `detail.state[0].prefix`; empty for the pattern itself. */
  readonly path: string;
  /** EventBridge's reason, such as `Unrecognized match type pref`. */
  readonly reason: string;
}

/** Thrown for a malformed pattern, with EventBridge's error name and message form. */
export class InvalidEventPatternException extends Error {
  readonly problems: readonly EventPatternProblem[];

  constructor(problems: readonly EventPatternProblem[]) {
    // EventBridge reports the first problem it meets.
    super(describeEventPatternProblem(problems[0]!));
    this.name = 'InvalidEventPatternException';
    this.problems = problems;
  }
}

/** Words a problem as EventBridge's `InvalidEventPatternException` message does. */
export function describeEventPatternProblem(problem: EventPatternProblem): string {
  const place = problem.path ? ` at ${problem.path}` : '';
  return `Event pattern is not valid. Reason: ${problem.reason}${place}`;
}

/** Returns every problem of a pattern; an empty list means it is valid. */
export function checkEventPattern(pattern: unknown): EventPatternProblem[] {
  return compile(pattern).problems;
}

/** Compiles a pattern into a matcher, or throws `InvalidEventPatternException`. */
export function compileEventPattern(pattern: unknown): EventMatcher {
  const { matcher, problems } = compile(pattern);
  if (problems.length > 0) throw new InvalidEventPatternException(problems);
  return matcher;
}

function compile(pattern: unknown): { matcher: EventMatcher; problems: EventPatternProblem[] } {
  const problems: EventPatternProblem[] = [];
  const context: PatternContext = {
    problem(path, reason) {
      problems.push({ path, reason });
      return undefined;
    },
  };

  if (!isPlainObject(pattern)) {
    context.problem('', 'Filter is not an object');
    return { matcher: () => false, problems };
  }
  const matchesObject = compileObject(pattern, '', context);
  const matcher: EventMatcher = (event) => isPlainObject(event) && matchesObject(event);
  return { matcher, problems };
}

/** A test on an object of the event, or `undefined` where the event has no object at that place. */
type ObjectTest = (object: Record<string, unknown> | undefined) => boolean;

function compileObject(pattern: Record<string, unknown>, path: string, context: PatternContext): ObjectTest {
  const entries = Object.entries(pattern);
  if (entries.length === 0) context.problem(path, 'Empty objects are not allowed');

  const conditions = entries.map(([name, value]) => compileField(name, value, join(path, name), context));
  return (object) => {
    for (const condition of conditions) {
      if (!condition(object)) return false;
    }
    return true;
  };
}

function compileField(name: string, value: unknown, path: string, context: PatternContext): ObjectTest {
  if (name === '$or') return compileOr(value, path, context);

  if (Array.isArray(value)) {
    const field = compileFieldValues(value, path, context);
    return (object) => matchesField(field, object?.[name]);
  }
  if (isPlainObject(value)) {
    const nested = compileObject(value, path, context);
    return (object) => matchesNested(nested, object?.[name]);
  }

  context.problem(path, `"${name}" must be an object or an array`);
  return () => false;
}

/** `"$or": [{...}, {...}]`: at least two objects, each a set of fields at this level. */
function compileOr(value: unknown, path: string, context: PatternContext): ObjectTest {
  if (!Array.isArray(value)) {
    context.problem(path, 'It must be an Array followed with $or.');
    return () => false;
  }
  if (value.length < 2) context.problem(path, 'There must have at least 2 Objects in $or relationship.');

  const branches = value.map((branch, index) => {
    if (isPlainObject(branch)) return compileObject(branch, `${path}[${index}]`, context);
    context.problem(`${path}[${index}]`, 'Only JSON object is allowed in array of $or relationship.');
    return () => false;
  });
  return (object) => branches.some((branch) => branch(object));
}

/**
 * Matches a nested pattern against an object of the event. When the event
 * has an array there, some one element must match the whole nested pattern,
 * so fields matched together come from the same element.
 */
function matchesNested(nested: ObjectTest, value: unknown): boolean {
  if (Array.isArray(value) && value.length > 0) return value.some((element) => matchesNested(nested, element));
  return nested(isPlainObject(value) ? value : undefined);
}

/**
 * Matches a field: any of its leaf values passes any test. An array in the
 * event counts as its elements. `exists` works on leaf values only, so a
 * field that contains an object has no leaf value and `{ "exists": false }`
 * matches it.
 */
function matchesField(field: FieldCondition, value: unknown): boolean {
  // The common case, one scalar value, allocates nothing.
  if (isLeaf(value)) return field.existsTrue || anyTestPasses(field, value);

  const leaves: Leaf[] = [];
  collectLeaves(value, leaves);
  if (leaves.length === 0) return field.existsFalse;
  if (field.existsTrue) return true;
  return leaves.some((leaf) => anyTestPasses(field, leaf));
}

function anyTestPasses(field: FieldCondition, leaf: Leaf): boolean {
  for (const test of field.tests) {
    if (test(leaf)) return true;
  }
  return false;
}

function collectLeaves(value: unknown, into: Leaf[]): void {
  if (isLeaf(value)) into.push(value);
  else if (Array.isArray(value)) for (const element of value) collectLeaves(element, into);
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
