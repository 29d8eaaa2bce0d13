/**
 * The AWS driver's translation of positional parameters to the RDS Data
 * API's named, typed parameters.
 * @see https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toDataApiParameters, toNamedParameters } from '../../src/client/aws/data-api-parameters.ts';

test('positional parameters become named', () => {
  assert.equal(
    toNamedParameters('SELECT * FROM t WHERE a = $1 AND b IN ($2, $10)'),
    'SELECT * FROM t WHERE a = :p1 AND b IN (:p2, :p10)',
  );
});

test('quoted text keeps dollar signs', () => {
  const cases: readonly (readonly [string, string])[] = [
    [`SELECT 'costs $1', $1`, `SELECT 'costs $1', :p1`],
    [`SELECT 'it''s $2', $2`, `SELECT 'it''s $2', :p2`],
    [`SELECT "col$1" FROM t WHERE x = $1`, `SELECT "col$1" FROM t WHERE x = :p1`],
    [`SELECT $1 -- compare with $2\n, $2`, `SELECT :p1 -- compare with $2\n, :p2`],
    [`SELECT /* $1 */ $1`, `SELECT /* $1 */ :p1`],
    [`SELECT $$ body $1 $$, $1`, `SELECT $$ body $1 $$, :p1`],
    [`SELECT $fn$ body $1 $fn$, $1`, `SELECT $fn$ body $1 $fn$, :p1`],
  ];
  for (const [sql, expected] of cases) assert.equal(toNamedParameters(sql), expected, sql);
});

test('values get Data API types', () => {
  const when = new Date(Date.UTC(2026, 11, 4, 20, 50, 25, 123));
  const parameters = toDataApiParameters(['text', 42, 1.5, true, null, new Uint8Array([1]), when, { likes: 3 }]);

  assert.deepEqual(parameters, [
    { name: 'p1', value: { stringValue: 'text' } },
    { name: 'p2', value: { longValue: 42 } },
    { name: 'p3', value: { doubleValue: 1.5 } },
    { name: 'p4', value: { booleanValue: true } },
    { name: 'p5', value: { isNull: true } },
    { name: 'p6', value: { blobValue: new Uint8Array([1]) } },
    { name: 'p7', value: { stringValue: '2026-12-04 20:50:25.123' }, typeHint: 'TIMESTAMP' },
    { name: 'p8', value: { stringValue: '{"likes":3}' }, typeHint: 'JSON' },
  ]);
});

test('non-finite number is rejected', () => {
  assert.throws(() => toDataApiParameters([1, Number.NaN]), /Parameter \$2 is NaN/);
});
