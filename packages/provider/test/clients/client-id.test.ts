import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { generateClientId } from '../../src/admin/clients/create.js';

test('generated client ids never start with - or _ (they would read as command-line options)', () => {
  // A source that yields ids starting with '-' and '_' (0xf8 → '-', 0xfc → '_'), then a good one.
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0xfc), Buffer.alloc(16, 0x10)]; // 0x10 → 'E'
  let calls = 0;
  const id = generateClientId(() => draws[calls++]!);
  assert.equal(calls, 3);
  assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
  for (let i = 0; i < 2000; i++) assert.match(generateClientId(randomBytes), /^[A-Za-z0-9]/);
});
