/**
 * Malformed event patterns. The reasons are those of aws/event-ruler's
 * `JsonRuleCompiler` and `WildcardParser`, which EventBridge returns in an
 * `InvalidEventPatternException` as "Event pattern is not valid. Reason: ...".
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { checkEventPattern, compileEventPattern, InvalidEventPatternException } from '../../src/model/event-pattern.ts';
import { ModelError, resolveApp } from '../../src/model/index.ts';

function firstProblem(pattern: unknown): string {
  const problems = checkEventPattern(pattern);
  assert.ok(problems.length > 0, `expected ${JSON.stringify(pattern)} to be invalid`);
  return `${problems[0]!.path}: ${problems[0]!.reason}`;
}

const cases: [unknown, string][] = [
  [['source'], ': Filter is not an object'],
  [{}, ': Empty objects are not allowed'],
  [{ detail: {} }, 'detail: Empty objects are not allowed'],
  [{ source: 'aws.ec2' }, 'source: "source" must be an object or an array'],
  [{ source: [] }, 'source: Empty arrays are not allowed'],
  [{ source: [['nested']] }, 'source[0]: Match value must be String, number, true, false, or null'],
  [{ source: [{}] }, 'source[0]: Match expression name not found'],
  [{ source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]: Only one key allowed in match expression'],
  [{ source: [{ pref: 'a' }] }, 'source[0]: Unrecognized match type pref'],
  [{ source: [{ prefix: 1 }] }, 'source[0].prefix: prefix match pattern must be a string'],
  [{ source: [{ suffix: null }] }, 'source[0].suffix: suffix match pattern must be a string'],
  [{ source: [{ 'equals-ignore-case': ['a'] }] }, 'source[0].equals-ignore-case: equals-ignore-case match pattern must be a string'],
  [{ source: [{ wildcard: 'a**b' }] }, 'source[0].wildcard: Consecutive wildcard characters at pos 1'],
  [{ source: [{ wildcard: 'a\\b' }] }, 'source[0].wildcard: Invalid escape character at pos 1'],
  [{ n: [{ numeric: 5 }] }, 'n[0].numeric: Value of numeric must be an array.'],
  [{ n: [{ numeric: ['~', 5] }] }, 'n[0].numeric: Unrecognized numeric range operator: ~'],
  [{ n: [{ numeric: ['>', '5'] }] }, 'n[0].numeric: Value of > must be numeric'],
  [{ n: [{ numeric: ['>', 5, '>', 6] }] }, 'n[0].numeric: Bad numeric range operator: >'],
  [{ n: [{ numeric: ['>', 5, '<', 1] }] }, 'n[0].numeric: Bottom must be less than top'],
  [{ n: [{ numeric: ['<', 5, '>', 1] }] }, 'n[0].numeric: Too many elements in numeric expression'],
  [{ n: [{ numeric: ['>', 1, '<'] }] }, 'n[0].numeric: Too many terms in numeric range expression'],
  [{ n: [{ numeric: ['<', 6e9] }] }, 'n[0].numeric: Value must be between -5000000000 and 5000000000, inclusive'],
  [{ n: [{ exists: 'yes' }] }, 'n[0].exists: exists match pattern must be either true or false.'],
  [{ n: [{ cidr: '10.0.0.0' }] }, 'n[0].cidr: Invalid CIDR: "10.0.0.0"; write an address and a prefix length, such as 10.0.0.0/24'],
  [{ n: [{ 'anything-but': true }] }, 'n[0].anything-but: Value of anything-but must be an array or single string/number value.'],
  [{ n: [{ 'anything-but': ['a', 1] }] }, 'n[0].anything-but: Inside anything but list, either all values are number or string, mixed type is not supported'],
  [{ n: [{ 'anything-but': [null] }] }, 'n[0].anything-but: Inside anything but list, start|null|boolean is not supported.'],
  [{ n: [{ 'anything-but': { prefix: '' } }] }, 'n[0].anything-but.prefix: Null prefix/suffix not allowed'],
  [{ n: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'n[0].anything-but.numeric: Unsupported anything-but pattern: numeric'],
  [{ $or: [{ a: ['x'] }] }, '$or: There must have at least 2 Objects in $or relationship.'],
  [{ $or: { a: ['x'] } }, '$or: It must be an Array followed with $or.'],
  [{ $or: [{ a: ['x'] }, 'b'] }, '$or[1]: Only JSON object is allowed in array of $or relationship.'],
];

for (const [pattern, expected] of cases) {
  test(`rejects ${JSON.stringify(pattern)}`, () => {
    assert.equal(firstProblem(pattern), expected);
  });
}

test('compile throws with the EventBridge message', () => {
  assert.throws(() => compileEventPattern({ detail: { state: [{ pref: 'a' }] } }), (error: unknown) => {
    assert.ok(error instanceof InvalidEventPatternException);
    assert.equal(error.name, 'InvalidEventPatternException');
    assert.equal(error.message, 'Event pattern is not valid. Reason: Unrecognized match type pref at detail.state[0]');
    return true;
  });
});

test('every problem is listed', () => {
  const problems = checkEventPattern({ source: [], detail: { a: [{ exists: 1 }] } });
  assert.deepEqual(problems.map((p) => p.path), ['source', 'detail.a[0].exists']);
});

test('valid patterns have no problems', () => {
  assert.deepEqual(checkEventPattern({ source: ['a'], detail: { n: [{ numeric: ['>=', 0, '<', 1] }], $or: [{ x: [1] }, { y: [{ exists: true }] }] } }), []);
});

test('the model reports a malformed rule pattern with its place', () => {
  const root = path.join(import.meta.dirname, '../fixtures/hello');
  assert.throws(() => resolveApp({
    name: 'demo',
    services: {
      feed: {
        functions: { follow: { handler: 'src/hello.handler' } },
        rules: { ready: { pattern: { source: ['photos'], detail: { size: [{ numeric: ['>', 'big'] }] } }, targets: [{ function: 'follow' }] } },
      },
    },
  }, root), (error: unknown) => {
    assert.ok(error instanceof ModelError);
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0]!.path, 'services.feed.rules.ready.pattern.detail.size[0].numeric');
    assert.equal(error.problems[0]!.message, 'Event pattern is not valid. Reason: Value of > must be numeric.');
    return true;
  });
});
