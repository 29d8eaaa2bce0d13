import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Item, Key, Page, SortKeyCondition } from '../../src/local/tables/index.ts';
import { errorOf, openStore, TABLES } from './store-fixture.ts';

const PHOTOS = TABLES.photos.physicalName;
const SCORES = TABLES.scores.physicalName;

const sortValues = (page: Page, attribute: string) => page.items.map((item) => item[attribute]);

test('number sort keys sort by value', (t) => {
  const { store } = openStore(t);
  for (const score of [10, 2, -7, 1.5, 100, 0]) store.put(SCORES, { item: { game: 'g', score } });

  const page = store.query(SCORES, { partition: 'g' });

  // As strings, "10" and "100" would sort before "2".
  assert.deepEqual(sortValues(page, 'score'), [-7, 0, 1.5, 2, 10, 100]);
});

test('string sort keys sort by UTF-8 bytes', (t) => {
  const { store } = openStore(t);
  const ids = ['b', 'a', 'B', 'é', 'ab', '10', '9', '\u{1F600}', '\uFFFF'];
  for (const id of ids) store.put(PHOTOS, { item: { owner: 'o', id } });

  const page = store.query(PHOTOS, { partition: 'o' });

  // DynamoDB stores string sort keys "in order of UTF-8 bytes": U+FFFF (EF BF BF)
  // comes before U+1F600 (F0 9F 98 80), while UTF-16 code units would put it after.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-ScanIndexForward
  const byBytes = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual(sortValues(page, 'id'), byBytes);
  assert.deepEqual(byBytes.slice(-2), ['\uFFFF', '\u{1F600}']);
});

test('descending reverses the order', (t) => {
  const { store } = openStore(t);
  for (const score of [3, 1, 2]) store.put(SCORES, { item: { game: 'g', score } });

  const page = store.query(SCORES, { partition: 'g', descending: true });

  assert.deepEqual(sortValues(page, 'score'), [3, 2, 1]);
});

test('query reads one partition only', (t) => {
  const { store } = openStore(t);
  store.put(SCORES, { item: { game: 'g', score: 1 } });
  store.put(SCORES, { item: { game: 'h', score: 2 } });

  assert.deepEqual(sortValues(store.query(SCORES, { partition: 'g' }), 'score'), [1]);
  assert.deepEqual(store.query(SCORES, { partition: 'none' }), { items: [] });
});

test('sort key conditions on numbers', (t) => {
  const { store } = openStore(t);
  for (const score of [1, 2, 3, 4, 5]) store.put(SCORES, { item: { game: 'g', score } });

  const cases: [SortKeyCondition, number[]][] = [
    [{ eq: 3 }, [3]],
    [{ lt: 3 }, [1, 2]],
    [{ lte: 3 }, [1, 2, 3]],
    [{ gt: 3 }, [4, 5]],
    [{ gte: 3 }, [3, 4, 5]],
    [{ between: [2, 4] }, [2, 3, 4]],
    [{ between: [3, 3] }, [3]],
  ];
  for (const [sort, expected] of cases) {
    assert.deepEqual(sortValues(store.query(SCORES, { partition: 'g', sort }), 'score'), expected, JSON.stringify(sort));
  }
});

test('sort key conditions on strings', (t) => {
  const { store } = openStore(t);
  for (const id of ['2024-01-05', '2024-02-01', '2024-02-15', '2025-01-01', '2024']) store.put(PHOTOS, { item: { owner: 'o', id } });

  const cases: [SortKeyCondition, string[]][] = [
    [{ beginsWith: '2024-02' }, ['2024-02-01', '2024-02-15']],
    [{ beginsWith: '2024' }, ['2024', '2024-01-05', '2024-02-01', '2024-02-15']],
    [{ beginsWith: '2026' }, []],
    [{ between: ['2024-02', '2024-12'] }, ['2024-02-01', '2024-02-15']],
    [{ lt: '2024-01' }, ['2024']],
    [{ gte: '2025' }, ['2025-01-01']],
  ];
  for (const [sort, expected] of cases) {
    assert.deepEqual(sortValues(store.query(PHOTOS, { partition: 'o', sort }), 'id'), expected, JSON.stringify(sort));
  }
});

test('begins with and descending together', (t) => {
  const { store } = openStore(t);
  for (const id of ['a1', 'a2', 'a3', 'b1']) store.put(PHOTOS, { item: { owner: 'o', id } });

  const page = store.query(PHOTOS, { partition: 'o', sort: { beginsWith: 'a' }, descending: true, limit: 2 });

  assert.deepEqual(sortValues(page, 'id'), ['a3', 'a2']);
  assert.deepEqual(page.lastKey, { owner: 'o', id: 'a2' });
});

/** Reads every page of a query or scan, returning the items and the page count. */
function readAllPages(readPage: (startKey: Key | undefined) => Page): { items: Item[]; pages: number } {
  const items: Item[] = [];
  let startKey: Key | undefined;
  let pages = 0;
  do {
    const page = readPage(startKey);
    items.push(...page.items);
    startKey = page.lastKey;
    pages += 1;
    assert.ok(pages < 1000, 'pagination did not end');
  } while (startKey);
  return { items, pages };
}

test('query pages return every item once', (t) => {
  const { store } = openStore(t);
  const scores = Array.from({ length: 23 }, (_, i) => i * 3 - 20);
  for (const score of scores) store.put(SCORES, { item: { game: 'g', score } });
  store.put(SCORES, { item: { game: 'other', score: 0 } });

  for (const descending of [false, true]) {
    const { items, pages } = readAllPages((startKey) => store.query(SCORES, { partition: 'g', limit: 5, descending, startKey }));

    const expected = descending ? [...scores].reverse() : scores;
    assert.deepEqual(items.map((item) => item.score), expected);
    assert.equal(pages, 5);
  }
});

test('query pages keep the sort condition', (t) => {
  const { store } = openStore(t);
  for (let i = 0; i < 12; i++) store.put(PHOTOS, { item: { owner: 'o', id: `p${String(i).padStart(2, '0')}` } });

  const { items } = readAllPages((startKey) => store.query(PHOTOS, { partition: 'o', sort: { between: ['p03', 'p09'] }, limit: 2, startKey }));

  assert.deepEqual(items.map((item) => item.id), ['p03', 'p04', 'p05', 'p06', 'p07', 'p08', 'p09']);
});

test('full page carries a last key', (t) => {
  const { store } = openStore(t);
  for (const score of [1, 2]) store.put(SCORES, { item: { game: 'g', score } });

  // A query that stops at its Limit returns LastEvaluatedKey, so the last page may be empty.
  // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit
  const first = store.query(SCORES, { partition: 'g', limit: 2 });
  const second = store.query(SCORES, { partition: 'g', limit: 2, startKey: first.lastKey });

  assert.deepEqual(first.lastKey, { game: 'g', score: 2 });
  assert.deepEqual(second, { items: [] });
});

test('pages stop at 1 MB', (t) => {
  const { store } = openStore(t);
  const filler = 'x'.repeat(300 * 1024);
  for (let i = 0; i < 5; i++) store.put(PHOTOS, { item: { owner: 'o', id: `p${i}`, filler } });

  const { items, pages } = readAllPages((startKey) => store.query(PHOTOS, { partition: 'o', startKey }));

  // Each item is about 300 KB, so the first page stops at 4 of them, past 1 MB.
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
  assert.equal(items.length, 5);
  assert.equal(pages, 2);
});

test('scan pages return every item once', (t) => {
  const { store } = openStore(t);
  const expected = new Set<string>();
  for (const owner of ['a', 'b', 'c']) {
    for (let i = 0; i < 7; i++) {
      store.put(PHOTOS, { item: { owner, id: `p${i}` } });
      expected.add(`${owner}/p${i}`);
    }
  }

  const { items } = readAllPages((startKey) => store.scan(PHOTOS, { limit: 4, startKey }));

  const seen = items.map((item) => `${item.owner}/${item.id}`);
  assert.equal(seen.length, expected.size);
  assert.deepEqual(new Set(seen), expected);
});

test('start key from another partition is rejected', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.query(SCORES, { partition: 'g', startKey: { game: 'h', score: 1 } }));

  assert.equal(error.name, 'ValidationException');
});

test('malformed start key is rejected', (t) => {
  const { store } = openStore(t);

  const error = errorOf(() => store.query(SCORES, { partition: 'g', startKey: { game: 'g' } }));

  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, 'The provided starting key is invalid: The provided key element does not match the schema');
});
