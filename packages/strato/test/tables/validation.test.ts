import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ITEM_MAX_BYTES } from '../../src/local/tables/index.ts';
import { errorOf, openStore, TABLES } from './store-fixture.ts';

const USERS = TABLES.users.physicalName;
const PHOTOS = TABLES.photos.physicalName;
const SCORES = TABLES.scores.physicalName;

// Messages as DynamoDB returns them for PutItem, GetItem and Query.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
const INVALID_ITEMS: [string, string, Record<string, unknown>, string][] = [
  ['missing partition key', PHOTOS, { id: 'p1' }, 'One or more parameter values were invalid: Missing the key owner in the item'],
  ['missing sort key', PHOTOS, { owner: 'o' }, 'One or more parameter values were invalid: Missing the key id in the item'],
  ['number for a string key', PHOTOS, { owner: 'o', id: 7 }, 'One or more parameter values were invalid: Type mismatch for key id expected: S actual: N'],
  ['string for a number key', SCORES, { game: 'g', score: '7' }, 'One or more parameter values were invalid: Type mismatch for key score expected: N actual: S'],
  ['map as a key', USERS, { id: { nested: true } }, 'One or more parameter values were invalid: Type mismatch for key id expected: S actual: M'],
  ['empty string key', USERS, { id: '' }, 'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id'],
];

for (const [name, table, item, message] of INVALID_ITEMS) {
  test(`put rejects ${name}`, (t) => {
    const { store } = openStore(t);

    const error = errorOf(() => store.put(table, { item }));

    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    assert.deepEqual(store.scan(table).items, []);
  });
}

const INVALID_KEYS: [string, Record<string, unknown>][] = [
  ['missing sort key', { owner: 'o' }],
  ['wrong type', { owner: 'o', id: 1 }],
  ['extra attribute', { owner: 'o', id: 'p1', status: 'ready' }],
  ['wrong name', { user: 'o', id: 'p1' }],
];

for (const [name, key] of INVALID_KEYS) {
  test(`get rejects a key with ${name}`, (t) => {
    const { store } = openStore(t);

    const error = errorOf(() => store.get(PHOTOS, key as never));

    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, 'The provided key element does not match the schema');
  });
}

test('item over 400 KB is rejected', (t) => {
  const { store } = openStore(t);
  // The attribute name counts too: "id" and "data" take 6 bytes, "u1" 2.
  const fits = { id: 'u1', data: 'x'.repeat(ITEM_MAX_BYTES - 8) };
  const over = { id: 'u2', data: 'x'.repeat(ITEM_MAX_BYTES - 7) };

  store.put(USERS, { item: fits });
  const error = errorOf(() => store.put(USERS, { item: over }));

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'Item size has exceeded the maximum allowed size');
  assert.equal(store.get(USERS, { id: 'u2' }), undefined);
  assert.equal((store.get(USERS, { id: 'u1' })?.data as string).length, ITEM_MAX_BYTES - 8);
});

test('update past 400 KB keeps the old item', (t) => {
  const { store } = openStore(t);
  store.put(USERS, { item: { id: 'u1', a: 'x'.repeat(300 * 1024) } });

  const error = errorOf(() => store.update(USERS, { key: { id: 'u1' }, changes: { b: 'y'.repeat(200 * 1024) } }));

  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'Item size to update has exceeded the maximum allowed size');
  assert.deepEqual(Object.keys(store.get(USERS, { id: 'u1' }) ?? {}), ['id', 'a']);
});

test('partition key over 2048 bytes is rejected', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.put(USERS, { item: { id: 'é'.repeat(1025) } }));

  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
  assert.equal(error.name, 'ValidationException');
  assert.match(error.message, /Size of hashkey has exceeded the maximum size limit of 2048 bytes/);
});

test('values the store cannot keep are rejected', (t) => {
  const { store } = openStore(t);

  const notFinite = errorOf(() => store.put(USERS, { item: { id: 'u1', ratio: Number.NaN } }));
  const date = errorOf(() => store.put(USERS, { item: { id: 'u1', at: new Date() } }));

  assert.equal(notFinite.name, 'ValidationException');
  assert.match(notFinite.message, /cannot be converted to a numeric value: NaN/);
  assert.equal(date.name, 'ValidationException');
  assert.match(date.message, /Unsupported type passed at at: Date/);
});

test('query validates its conditions', (t) => {
  const { store } = openStore(t);

  const cases: [string, () => unknown, string | RegExp][] = [
    ['limit 0', () => store.query(SCORES, { partition: 'g', limit: 0 }), "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['number partition', () => store.query(SCORES, { partition: 5 }), 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
    ['string for a number sort key', () => store.query(SCORES, { partition: 'g', sort: { gt: '5' } }), 'One or more parameter values were invalid: Condition parameter type does not match schema type'],
    ['begins with on numbers', () => store.query(SCORES, { partition: 'g', sort: { beginsWith: '5' } }), 'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N'],
    ['between reversed', () => store.query(SCORES, { partition: 'g', sort: { between: [9, 1] } }), /BETWEEN operator requires upper bound to be greater than or equal to lower bound/],
    ['two operators', () => store.query(SCORES, { partition: 'g', sort: { gt: 1, lt: 5 } as never }), /set exactly one of eq, lt, lte, gt, gte, between or beginsWith/],
    ['sort on a table without one', () => store.query(USERS, { partition: 'u', sort: { eq: 'x' } }), /^Query key condition not supported/],
  ];
  for (const [name, run, message] of cases) {
    const error = errorOf(run);
    assert.equal(error.name, 'ValidationException', name);
    if (typeof message === 'string') assert.equal(error.message, message, name);
    else assert.match(error.message, message, name);
  }
});
