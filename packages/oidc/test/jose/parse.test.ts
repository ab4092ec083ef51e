import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeBase64url, isJoseError, parseCompactJws } from '@latchkey/oidc';
import fc from 'fast-check';
import { base64urlLikeStrings, isCanonicalBase64url } from '../helpers/base64url-rule.js';
import { assertJoseError, craftToken } from '../helpers/tokens.js';

const PAYLOAD = encodeBase64url('{"sub":"alice"}');
const SIGNATURE = encodeBase64url(new Uint8Array(64));

test('splits a compact JWS into header, signing input, payload segment and signature', () => {
  const token = craftToken(
    { alg: 'ES256', kid: 'k1', typ: 'JWT' },
    '{"sub":"alice"}',
    new Uint8Array([1, 2, 3]),
  );
  const parsed = parseCompactJws(token);
  assert.deepEqual(parsed.header, { alg: 'ES256', kid: 'k1', typ: 'JWT' });
  assert.equal(parsed.signingInput, token.slice(0, token.lastIndexOf('.')));
  assert.equal(parsed.payloadSegment, PAYLOAD);
  assert.deepEqual(parsed.signature, Buffer.from([1, 2, 3]));
});

test('allows an empty payload segment', () => {
  const parsed = parseCompactJws(`${encodeBase64url('{"alg":"HS256"}')}..${SIGNATURE}`);
  assert.equal(parsed.payloadSegment, '');
});

test('returns frozen headers, so the header cache cannot be poisoned', () => {
  const token = craftToken({ alg: 'RS256', kid: 'cached', extra: { nested: [1] } });
  const first = parseCompactJws(token).header;
  assert.ok(Object.isFrozen(first));
  assert.ok(Object.isFrozen(first.extra));
  assert.throws(() => {
    (first as Record<string, unknown>).alg = 'HS256';
  }, TypeError);
  assert.equal(parseCompactJws(token).header.alg, 'RS256');
});

test('J1: rejects alg none in any case, a missing alg, and an empty signature', async () => {
  for (const alg of ['none', 'None', 'NONE', 'nOnE', '']) {
    await assertJoseError(() => parseCompactJws(craftToken({ alg })), 'ERR_JOSE_ALG_NOT_ALLOWED');
  }
  const noneHeader = encodeBase64url('{"alg":"none"}');
  await assertJoseError(() => parseCompactJws(`${noneHeader}.${PAYLOAD}.`), 'ERR_JWS_INVALID');
  const rs256Header = encodeBase64url('{"alg":"RS256"}');
  await assertJoseError(() => parseCompactJws(`${rs256Header}.${PAYLOAD}.`), 'ERR_JWS_INVALID');
  await assertJoseError(() => parseCompactJws(craftToken({ typ: 'JWT' })), 'ERR_JWS_INVALID');
  await assertJoseError(() => parseCompactJws(craftToken({ alg: 256 })), 'ERR_JWS_INVALID');
});

test('rejects algorithms outside the table', async () => {
  for (const alg of ['HS1', 'RS1', 'ES256K', 'Ed25519', 'rs256', 'RSA-OAEP', 'dir', 'A128KW']) {
    await assertJoseError(() => parseCompactJws(craftToken({ alg })), 'ERR_JOSE_ALG_NOT_ALLOWED');
  }
});

test('J9: rejects any crit (unknown names, empty list, naming alg) and b64', async () => {
  const headers = [
    { alg: 'ES256', crit: ['exp'], exp: 1 },
    { alg: 'ES256', crit: [] },
    { alg: 'ES256', crit: ['alg'] },
    { alg: 'ES256', crit: 'b64' },
    { alg: 'ES256', b64: false, crit: ['b64'] },
    { alg: 'ES256', b64: false },
    { alg: 'ES256', b64: true },
  ];
  for (const header of headers)
    await assertJoseError(() => parseCompactJws(craftToken(header)), 'ERR_JOSE_NOT_SUPPORTED');
});

test('J6: rejects a kid that is not a string or is very long; keeps odd strings opaque', async () => {
  for (const kid of [42, null, ['a'], { id: 'a' }, 'k'.repeat(10_000)]) {
    await assertJoseError(() => parseCompactJws(craftToken({ alg: 'ES256', kid })), 'ERR_JWS_INVALID');
  }
  for (const kid of ['../../dev/null', "' OR 1=1--", '']) {
    assert.equal(parseCompactJws(craftToken({ alg: 'ES256', kid })).header.kid, kid);
  }
});

test('rejects typ and cty that are not strings', async () => {
  await assertJoseError(() => parseCompactJws(craftToken({ alg: 'ES256', typ: 1 })), 'ERR_JWS_INVALID');
  await assertJoseError(() => parseCompactJws(craftToken({ alg: 'ES256', cty: ['JWT'] })), 'ERR_JWS_INVALID');
});

test('J10: rejects a header with duplicate members', async () => {
  await assertJoseError(
    () => parseCompactJws(craftToken('{"alg":"ES256","alg":"HS256"}')),
    'ERR_JWS_INVALID',
  );
});

test('J11: rejects non-canonical base64url in any segment', async () => {
  const header = encodeBase64url('{"alg":"ES256"}');
  const cases = [
    `${header}=.${PAYLOAD}.${SIGNATURE}`,
    `${header}.${PAYLOAD}=.${SIGNATURE}`,
    `${header}.${PAYLOAD}.${SIGNATURE}==`,
    `${header}.${PAYLOAD}.${SIGNATURE.replace('A', '+')}`,
    `${header}.${PAYLOAD.slice(0, 4)}/${PAYLOAD.slice(5)}.${SIGNATURE}`,
    `${header}.${PAYLOAD} .${SIGNATURE}`,
    ` ${header}.${PAYLOAD}.${SIGNATURE}`,
    `${header}.${PAYLOAD}.${SIGNATURE}\n`,
    `${header}.${PAYLOAD}A.${SIGNATURE}`,
    `${header}.${PAYLOAD}.${SIGNATURE.slice(0, -2)}B`,
    `${header}.${PAYLOAD}.AB`,
  ];
  for (const token of cases) await assertJoseError(() => parseCompactJws(token), 'ERR_JWS_INVALID');
});

/**
 * parseCompactJws does not re-encode to decide canonical form (see readCompactJws): it refuses `+`
 * and `/`, checks length and trailing bits, and compares the decoded length with the promised one.
 * These properties pin that to the rule, in the payload and in the signature position.
 */
test('J11: a payload or signature segment is accepted exactly when it is canonical (property)', () => {
  const header = encodeBase64url('{"alg":"ES256"}');
  const acceptedAs = (token: string): boolean => {
    try {
      parseCompactJws(token);
      return true;
    } catch (error) {
      assert.ok(isJoseError(error), String(error));
      return false;
    }
  };
  fc.assert(
    fc.property(base64urlLikeStrings(40), (segment) => {
      const asPayload = acceptedAs(`${header}.${segment}.${SIGNATURE}`);
      const asSignature = acceptedAs(`${header}.${PAYLOAD}.${segment}`);
      const canonical = isCanonicalBase64url(segment);
      return asPayload === canonical && asSignature === (canonical && segment !== '');
    }),
    { numRuns: 3000, seed: 7515 },
  );
});

test('J11: a character outside ASCII is refused wherever it stands, even one Node reads as a letter', async () => {
  const header = encodeBase64url('{"alg":"ES256"}');
  // U+0141 truncates to 0x41 ("A") in Node's decoder; a surrogate pair is 4 bytes of UTF-8.
  for (const odd of ['Ł', '😀', '\ud800', 'é']) {
    const cases = [
      `${header}.${PAYLOAD}.${SIGNATURE.slice(0, -1)}${odd}`,
      `${header}.${PAYLOAD}.${odd}${SIGNATURE.slice(1)}`,
      `${header}.${PAYLOAD.slice(0, -1)}${odd}.${SIGNATURE}`,
      `${header}.${odd.repeat(8)}.${SIGNATURE}`,
      `${header}.${PAYLOAD}.${SIGNATURE.slice(0, -4)}${odd.repeat(4)}`,
    ];
    for (const token of cases) await assertJoseError(() => parseCompactJws(token), 'ERR_JWS_INVALID');
  }
});

test('J12: rejects wrong segment counts, empty segments, non-object headers and invalid UTF-8', async () => {
  const header = encodeBase64url('{"alg":"ES256"}');
  const cases: unknown[] = [
    '',
    '.',
    '..',
    header,
    `${header}.${PAYLOAD}`,
    `${header}.${PAYLOAD}.${SIGNATURE}.`,
    `${header}.${PAYLOAD}.${SIGNATURE}.${SIGNATURE}.${SIGNATURE}`,
    `.${PAYLOAD}.${SIGNATURE}`,
    craftToken('["alg","ES256"]'),
    craftToken('"ES256"'),
    craftToken('null'),
    craftToken('{"alg":"ES256"'),
    `${encodeBase64url(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))}.${PAYLOAD}.${SIGNATURE}`,
    craftToken('{"alg":"ES256","__proto__":{"alg":"none"}}'),
    craftToken('{"alg":"ES256","constructor":{}}'),
    undefined,
    null,
    42,
    Buffer.from(`${header}.${PAYLOAD}.${SIGNATURE}`),
  ];
  for (const token of cases) await assertJoseError(() => parseCompactJws(token as string), 'ERR_JWS_INVALID');
});

test('J13: rejects oversized tokens before parsing, and thousands of dots', async () => {
  const huge = 'a'.repeat(20_000);
  await assertJoseError(() => parseCompactJws(huge), 'ERR_JWS_INVALID');
  // A well-formed but oversized token is refused by size, not by anything later.
  assert.throws(() => parseCompactJws(craftToken({ alg: 'ES256' }, 'x'.repeat(20_000))), /too large/);
  await assertJoseError(() => parseCompactJws('.'.repeat(10_000)), 'ERR_JWS_INVALID');
  await assertJoseError(() => parseCompactJws(`a.b.${'.'.repeat(5000)}`), 'ERR_JWS_INVALID');
  const token = craftToken({ alg: 'ES256', pad: 'x'.repeat(200) });
  await assertJoseError(() => parseCompactJws(token, { maxTokenSize: 100 }), 'ERR_JWS_INVALID');
  assert.ok(parseCompactJws(token, { maxTokenSize: token.length }));
});

test('J13: rejects a deeply nested header', async () => {
  const deep = `{"alg":"ES256","x":${'['.repeat(1000)}${']'.repeat(1000)}}`;
  await assertJoseError(() => parseCompactJws(craftToken(deep)), 'ERR_JWS_INVALID');
});
