import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  conditionExpression,
  keyConditionExpression,
  mergePlaceholders,
  updateExpression,
} from '../../src/client/aws/expressions.ts';

const KEYS = { partitionKey: 'owner', sortKey: 'id' };

test('conditions name the partition key', () => {
  assert.deepEqual(conditionExpression({ type: 'notExists' }, KEYS), {
    expression: 'attribute_not_exists(#condition)',
    names: { '#condition': 'owner' },
    values: {},
  });
  assert.equal(conditionExpression({ type: 'exists' }, KEYS).expression, 'attribute_exists(#condition)');
  assert.deepEqual(conditionExpression({ type: 'equals', attribute: 'status', value: 'ready' }, KEYS), {
    expression: '#condition = :condition',
    names: { '#condition': 'status' },
    values: { ':condition': 'ready' },
  });
});

test('update sets and removes', () => {
  const update = updateExpression({ status: 'ready', reason: undefined, size: 3 });

  assert.deepEqual(update, {
    expression: 'SET #a0 = :a0, #a2 = :a2 REMOVE #a1',
    names: { '#a0': 'status', '#a1': 'reason', '#a2': 'size' },
    values: { ':a0': 'ready', ':a2': 3 },
  });
  assert.equal(updateExpression({}), undefined);
});

test('key conditions for each operator', () => {
  const cases: [Parameters<typeof keyConditionExpression>[2], string][] = [
    [undefined, '#pk = :pk'],
    [{ eq: 'a' }, '#pk = :pk AND #sk = :sk'],
    [{ lt: 'a' }, '#pk = :pk AND #sk < :sk'],
    [{ lte: 'a' }, '#pk = :pk AND #sk <= :sk'],
    [{ gt: 'a' }, '#pk = :pk AND #sk > :sk'],
    [{ gte: 'a' }, '#pk = :pk AND #sk >= :sk'],
    [{ between: ['a', 'b'] }, '#pk = :pk AND #sk BETWEEN :low AND :high'],
    [{ beginsWith: 'a' }, '#pk = :pk AND begins_with(#sk, :sk)'],
  ];
  for (const [sort, expression] of cases) {
    assert.equal(keyConditionExpression(KEYS, 'o', sort).expression, expression, JSON.stringify(sort));
  }
  assert.deepEqual(keyConditionExpression(KEYS, 'o', { between: [1, 9] }).values, { ':pk': 'o', ':low': 1, ':high': 9 });
});

test('key condition rejects a bad sort', () => {
  assert.throws(() => keyConditionExpression(KEYS, 'o', { gt: 1, lt: 2 } as never), { name: 'ValidationException' });
  assert.throws(() => keyConditionExpression(KEYS, 'o', { near: 1 } as never), { name: 'ValidationException' });
  assert.throws(() => keyConditionExpression({ partitionKey: 'id' }, 'o', { eq: 'x' }), { name: 'ValidationException' });
});

test('placeholders merge, empty ones are left out', () => {
  const condition = conditionExpression({ type: 'notExists' }, KEYS);

  assert.deepEqual(mergePlaceholders(condition), { names: { '#condition': 'owner' }, values: undefined });
  assert.deepEqual(mergePlaceholders(undefined), { names: undefined, values: undefined });
});
