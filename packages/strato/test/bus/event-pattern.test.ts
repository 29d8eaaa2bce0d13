/**
 * Event pattern matching. The cases come from the EventBridge user guide:
 * "Content filtering in Amazon EventBridge event patterns", "Comparison
 * operators for use in event patterns" and "Matching events on null values
 * and empty strings".
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { compileEventPattern } from '../../src/model/event-pattern.ts';

const samples = path.join(import.meta.dirname, '../../../../../shared/samples/events');
const stationEvent = JSON.parse(readFileSync(path.join(samples, 'eventbridge.json'), 'utf8')) as Record<string, unknown>;

function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return compileEventPattern(pattern)(event);
}

function detail(fields: Record<string, unknown>): Record<string, unknown> {
  return { source: 'app.test', 'detail-type': 'Test', detail: fields };
}

describe('exact values', () => {
  test('source and detail-type match the sample event', () => {
    assert.equal(matches({ source: ['wxnet.monitoring'], 'detail-type': ['Station Went Offline'] }, stationEvent), true);
    assert.equal(matches({ source: ['wxnet.other'] }, stationEvent), false);
  });

  test('any listed value matches', () => {
    assert.equal(matches({ source: ['aws.ec2', 'wxnet.monitoring'] }, stationEvent), true);
  });

  test('nested fields must all match', () => {
    assert.equal(matches({ detail: { stationId: ['ws-0977'], solarCharging: [false] } }, stationEvent), true);
    assert.equal(matches({ detail: { stationId: ['ws-0977'], solarCharging: [true] } }, stationEvent), false);
  });

  test('a field missing from the event fails', () => {
    assert.equal(matches({ detail: { missing: ['x'] } }, stationEvent), false);
  });

  test('matching is case sensitive', () => {
    assert.equal(matches({ source: ['WXNET.monitoring'] }, stationEvent), false);
  });

  test('numbers match by value, not by text', () => {
    assert.equal(matches({ detail: { batteryPct: [4.5] } }, stationEvent), true);
    assert.equal(matches({ detail: { n: [300] } }, detail({ n: 3.0e2 })), true);
    assert.equal(matches({ detail: { n: [300] } }, detail({ n: '300' })), false);
  });

  test('strings and numbers do not mix', () => {
    assert.equal(matches({ detail: { n: ['5'] } }, detail({ n: 5 })), false);
  });

  test('null and empty string are different values', () => {
    const event = detail({ eventVersion: '', responseElements: null });
    assert.equal(matches({ detail: { eventVersion: [''] } }, event), true);
    assert.equal(matches({ detail: { responseElements: [null] } }, event), true);
    assert.equal(matches({ detail: { responseElements: [''] } }, event), false);
    assert.equal(matches({ detail: { eventVersion: [null] } }, event), false);
  });

  test('an object where a value is expected fails', () => {
    assert.equal(matches({ detail: ['x'] }, stationEvent), false);
  });

  test('a value where an object is expected fails', () => {
    assert.equal(matches({ source: { inner: ['x'] } }, stationEvent), false);
  });
});

describe('arrays in events', () => {
  test('a field matches when any element matches', () => {
    assert.equal(matches({ detail: { sensors: ['rain-gauge'] } }, stationEvent), true);
    assert.equal(matches({ detail: { sensors: ['anemometer'] } }, stationEvent), false);
  });

  test('resources match by element', () => {
    assert.equal(matches({ resources: ['arn:aws:iot:us-east-2:123456789012:thing/ws-0977'] }, stationEvent), true);
  });

  test('fields of one nested pattern come from one element', () => {
    const event = detail({ items: [{ kind: 'a', size: 1 }, { kind: 'b', size: 2 }] });
    assert.equal(matches({ detail: { items: { kind: ['a'], size: [1] } } }, event), true);
    assert.equal(matches({ detail: { items: { kind: ['a'], size: [2] } } }, event), false);
  });

  test('an empty array has no values', () => {
    const event = detail({ tags: [] });
    assert.equal(matches({ detail: { tags: [{ exists: true }] } }, event), false);
    assert.equal(matches({ detail: { tags: [{ exists: false }] } }, event), true);
  });
});

describe('prefix and suffix', () => {
  test('prefix matches the start of a string', () => {
    assert.equal(matches({ source: [{ prefix: 'wxnet.' }] }, stationEvent), true);
    assert.equal(matches({ source: [{ prefix: 'aws.' }] }, stationEvent), false);
  });

  test('prefix ignores numbers', () => {
    assert.equal(matches({ detail: { n: [{ prefix: '1' }] } }, detail({ n: 12 })), false);
  });

  test('prefix with equals-ignore-case', () => {
    const event = detail({ service: 'EventBridge' });
    assert.equal(matches({ detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } }, event), true);
    assert.equal(matches({ detail: { service: [{ prefix: { 'equals-ignore-case': 'events' } }] } }, event), false);
  });

  test('suffix matches the end of a string', () => {
    assert.equal(matches({ detail: { FileName: [{ suffix: '.png' }] } }, detail({ FileName: 'cat.png' })), true);
    assert.equal(matches({ detail: { FileName: [{ suffix: '.png' }] } }, detail({ FileName: 'cat.PNG' })), false);
  });

  test('suffix with equals-ignore-case', () => {
    const pattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    assert.equal(matches(pattern, detail({ FileName: 'cat.PNG' })), true);
    assert.equal(matches(pattern, detail({ FileName: 'cat.jpg' })), false);
  });
});

describe('equals-ignore-case and wildcard', () => {
  test('equals-ignore-case compares whole strings', () => {
    assert.equal(matches({ detail: { name: [{ 'equals-ignore-case': 'alice' }] } }, detail({ name: 'ALICE' })), true);
    assert.equal(matches({ detail: { name: [{ 'equals-ignore-case': 'alice' }] } }, detail({ name: 'Alicia' })), false);
  });

  test('wildcard matches any run of characters', () => {
    const pattern = { detail: { path: [{ wildcard: 'dir/*.png' }] } };
    assert.equal(matches(pattern, detail({ path: 'dir/cat.png' })), true);
    assert.equal(matches(pattern, detail({ path: 'dir/sub/cat.png' })), true);
    assert.equal(matches(pattern, detail({ path: 'dir/cat.jpg' })), false);
  });

  test('wildcard escapes asterisk and treats regex characters literally', () => {
    assert.equal(matches({ detail: { v: [{ wildcard: 'a\\*b' }] } }, detail({ v: 'a*b' })), true);
    assert.equal(matches({ detail: { v: [{ wildcard: 'a\\*b' }] } }, detail({ v: 'axb' })), false);
    assert.equal(matches({ detail: { v: [{ wildcard: 'a.b*' }] } }, detail({ v: 'axbc' })), false);
  });
});

describe('anything-but', () => {
  test('a single string excludes that string', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    assert.equal(matches(pattern, detail({ state: 'running' })), true);
    assert.equal(matches(pattern, detail({ state: 'initializing' })), false);
  });

  test('a field that is missing does not match', () => {
    assert.equal(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, detail({})), false);
  });

  test('a list of strings or numbers', () => {
    assert.equal(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, detail({ state: 'stopped' })), false);
    assert.equal(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, detail({ state: 'ok' })), true);
    assert.equal(matches({ detail: { limit: [{ 'anything-but': [100, 200, 300] }] } }, detail({ limit: 200 })), false);
    assert.equal(matches({ detail: { limit: [{ 'anything-but': [100, 200, 300] }] } }, detail({ limit: 201 })), true);
  });

  test('prefix and suffix', () => {
    assert.equal(matches({ source: [{ 'anything-but': { prefix: 'aws.' } }] }, stationEvent), true);
    assert.equal(matches({ source: [{ 'anything-but': { prefix: 'wxnet.' } }] }, stationEvent), false);
    assert.equal(matches({ detail: { f: [{ 'anything-but': { suffix: '.png' } }] } }, detail({ f: 'a.png' })), false);
    assert.equal(matches({ detail: { f: [{ 'anything-but': { suffix: '.png' } }] } }, detail({ f: 'a.jpg' })), true);
  });

  test('equals-ignore-case and wildcard', () => {
    assert.equal(matches({ detail: { s: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, detail({ s: 'INITIALIZING' })), false);
    assert.equal(matches({ detail: { s: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] } }, detail({ s: 'C' })), true);
    assert.equal(matches({ detail: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, detail({ p: 'src/lib/x.js' })), false);
    assert.equal(matches({ detail: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, detail({ p: 'src/bin/x.js' })), true);
  });

  test('in an array, one element outside the set is enough', () => {
    assert.equal(matches({ detail: { s: [{ 'anything-but': 'a' }] } }, detail({ s: ['a', 'b'] })), true);
    assert.equal(matches({ detail: { s: [{ 'anything-but': 'a' }] } }, detail({ s: ['a'] })), false);
  });
});

describe('numeric', () => {
  const pattern = { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } };

  test('a range includes and excludes its bounds as written', () => {
    assert.equal(matches(pattern, detail({ count: 0 })), false);
    assert.equal(matches(pattern, detail({ count: 0.5 })), true);
    assert.equal(matches(pattern, detail({ count: 5 })), true);
    assert.equal(matches(pattern, detail({ count: 5.000001 })), false);
  });

  test('single bounds and equality', () => {
    assert.equal(matches({ detail: { d: [{ numeric: ['<', 10] }] } }, detail({ d: 9 })), true);
    assert.equal(matches({ detail: { d: [{ numeric: ['<', 10] }] } }, detail({ d: 10 })), false);
    assert.equal(matches({ detail: { d: [{ numeric: ['>=', 10] }] } }, detail({ d: 10 })), true);
    assert.equal(matches({ detail: { x: [{ numeric: ['=', 3.018e2] }] } }, detail({ x: 301.8 })), true);
  });

  test('only JSON numbers match', () => {
    assert.equal(matches(pattern, detail({ count: '3' })), false);
  });
});

describe('exists', () => {
  test('exists true needs a leaf value, null included', () => {
    assert.equal(matches({ detail: { technician: [{ exists: true }] } }, stationEvent), true);
    assert.equal(matches({ detail: { missing: [{ exists: true }] } }, stationEvent), false);
  });

  test('exists false matches a missing field', () => {
    assert.equal(matches({ detail: { missing: [{ exists: false }] } }, stationEvent), true);
    assert.equal(matches({ detail: { stationId: [{ exists: false }] } }, stationEvent), false);
  });

  test('exists works on leaf nodes only', () => {
    const event = detail({ 'c-count': { c1: 100 } });
    assert.equal(matches({ detail: { 'c-count': [{ exists: false }] } }, event), true);
    assert.equal(matches({ detail: { 'c-count': [{ exists: true }] } }, event), false);
  });
});

describe('cidr', () => {
  test('IPv4 and IPv6 blocks', () => {
    assert.equal(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, detail({ ip: '10.0.0.17' })), true);
    assert.equal(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, detail({ ip: '10.0.1.17' })), false);
    assert.equal(matches({ detail: { ip: [{ cidr: '2001:db8::/32' }] } }, detail({ ip: '2001:db8::1' })), true);
    assert.equal(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, detail({ ip: 'not-an-ip' })), false);
  });
});

describe('$or', () => {
  const pattern = {
    source: ['app.test'],
    $or: [{ detail: { a: [1] } }, { detail: { b: [2] }, 'detail-type': ['Test'] }],
  };

  test('any branch, together with the other fields', () => {
    assert.equal(matches(pattern, detail({ a: 1 })), true);
    assert.equal(matches(pattern, detail({ b: 2 })), true);
    assert.equal(matches(pattern, detail({ a: 2, b: 1 })), false);
    assert.equal(matches(pattern, { ...detail({ a: 1 }), source: 'other' }), false);
  });

  test('nested inside a field', () => {
    const nested = { detail: { $or: [{ c: [{ numeric: ['>', 0] }] }, { d: [{ prefix: 'x' }] }] } };
    assert.equal(matches(nested, detail({ c: 3 })), true);
    assert.equal(matches(nested, detail({ d: 'xy' })), true);
    assert.equal(matches(nested, detail({ c: 0, d: 'y' })), false);
  });
});

describe('combined', () => {
  test('the user guide complex example', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const event = { time: '2017-10-02T18:43:48Z', detail: { state: 'running', 'c-count': 5, 'd-count': 2, 'x-limit': 301 } };
    assert.equal(matches(pattern, event), true);
    assert.equal(matches(pattern, { ...event, detail: { ...event.detail, 'x-limit': 300 } }), false);
  });

  test('a value list mixes exact values and expressions', () => {
    const pattern = { detail: { v: ['exact', { prefix: 'pre-' }, 7, null] } };
    assert.equal(matches(pattern, detail({ v: 'exact' })), true);
    assert.equal(matches(pattern, detail({ v: 'pre-x' })), true);
    assert.equal(matches(pattern, detail({ v: 7 })), true);
    assert.equal(matches(pattern, detail({ v: null })), true);
    assert.equal(matches(pattern, detail({ v: 'other' })), false);
  });

  test('an event that is not an object never matches', () => {
    const matcher = compileEventPattern({ source: [{ exists: false }] });
    assert.equal(matcher('text'), false);
    assert.equal(matcher(null), false);
  });
});
