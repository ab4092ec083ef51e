import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secureRandomBytes } from '../../src/lib/random.js';

test('returns the requested number of bytes, large requests included', () => {
  for (const size of [0, 1, 16, 32, 256, 257, 5000]) assert.equal(secureRandomBytes(size).length, size);
});

test('never hands out the same bytes twice, across many pool refills', () => {
  const seen = new Set<string>();
  // 16 bytes × 2,000 draws crosses the 4 KiB pool several times.
  for (let i = 0; i < 2000; i++) {
    const hex = secureRandomBytes(16).toString('hex');
    assert.ok(!seen.has(hex), 'a 128-bit value repeated');
    seen.add(hex);
  }
});

test('a returned buffer does not change when later draws refill the pool', () => {
  const first = secureRandomBytes(32);
  const copy = Buffer.from(first);
  for (let i = 0; i < 1000; i++) secureRandomBytes(31);
  assert.deepEqual(first, copy);
});

test('refuses a negative or fractional size', () => {
  assert.throws(() => secureRandomBytes(-1), RangeError);
  assert.throws(() => secureRandomBytes(1.5), RangeError);
});
