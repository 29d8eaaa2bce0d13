import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isPhotoId, newPhotoId, originalKeyOf, photoIdOfKey } from '../services/photos/photo.ts';

test('photo ids sort by creation time', () => {
  const times = [0, 1, 35, 36, 1_700_000_000_000_000, 1_700_000_000_000_001, 4_102_444_800_000_000];
  const ids = times.map((time) => newPhotoId(time));

  assert.deepEqual([...ids].sort(), ids);
});

test('photo ids round-trip through original keys', () => {
  const id = newPhotoId();

  assert.ok(isPhotoId(id), id);
  assert.equal(photoIdOfKey(originalKeyOf(id)), id);
  assert.equal(photoIdOfKey(`elsewhere/${id}`), undefined);
  assert.equal(photoIdOfKey('uploads/../secret'), undefined);
});
