import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBase64url, encodeBase64url } from '@latchkey/oidc';
import fc from 'fast-check';
import { base64urlLikeStrings, isCanonicalBase64url } from '../helpers/base64url-rule.js';
import { assertJoseError } from '../helpers/tokens.js';

test('encodes bytes and UTF-8 text as unpadded base64url', () => {
  assert.equal(encodeBase64url(new Uint8Array([0xfb, 0xff, 0xfe])), '-__-');
  assert.equal(encodeBase64url('é'), 'w6k');
  assert.equal(encodeBase64url(new Uint8Array(0)), '');
  const view = new Uint8Array([9, 1, 2, 3]).subarray(1, 3);
  assert.equal(encodeBase64url(view), 'AQI');
});

test('decodes canonical base64url of every length', () => {
  for (let length = 0; length < 40; length++) {
    const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + length) & 0xff));
    assert.deepEqual(decodeBase64url(encodeBase64url(bytes)), bytes);
  }
});

test('J11: rejects non-canonical base64url before decoding', async () => {
  const cases: [string, string][] = [
    ['standard alphabet +', 'ab+d'],
    ['standard alphabet /', 'ab/d'],
    ['padding', 'YQ=='],
    ['single padding', 'YWI='],
    ['inner space', 'YW Jj'],
    ['trailing newline', 'YWJj\n'],
    ['tab', '\tYWJj'],
    ['length % 4 == 1', 'YWJjZ'],
    ['non-zero trailing bits after 2 characters', 'YR'],
    ['non-zero trailing bits after 3 characters', 'YWJ'],
    ['non-ASCII', 'YWJé'],
    ['dot', 'YW.j'],
    ['NUL', 'YW\u0000j'],
  ];
  for (const [name, text] of cases) {
    await assertJoseError(() => decodeBase64url(text), 'ERR_JWS_INVALID').catch((error) => {
      throw new Error(`${name}: ${error}`);
    });
  }
});

test('reports the error code the caller chooses', async () => {
  await assertJoseError(() => decodeBase64url('a=', 'ERR_JWK_INVALID'), 'ERR_JWK_INVALID');
});

/**
 * The decoder decides canonical form by decoding and re-encoding (fast). This property pins it to the
 * rule as RFC 7515 §2 / Appendix C states it, on random strings that mix the alphabet with the
 * characters Node's own decoder would silently accept or skip.
 */
test('J11: accepts exactly the canonical base64url strings (property)', () => {
  fc.assert(
    fc.property(base64urlLikeStrings(24), (text) => {
      let accepted = true;
      try {
        decodeBase64url(text);
      } catch {
        accepted = false;
      }
      return accepted === isCanonicalBase64url(text);
    }),
    { numRuns: 3000 },
  );
});
