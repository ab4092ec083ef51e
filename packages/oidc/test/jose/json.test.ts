import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonObject } from '@latchkey/oidc';
import { assertJoseError } from '../helpers/tokens.js';

const parse = (input: string | Uint8Array) => parseJsonObject(input, 'ERR_JWT_INVALID', 'the claims set');

test('parses JSON objects from text and UTF-8 bytes', () => {
  assert.deepEqual(parse('{"a":1,"b":[{"a":2},{"a":3}],"c":{"a":"}\\"{"}}'), {
    a: 1,
    b: [{ a: 2 }, { a: 3 }],
    c: { a: '}"{' },
  });
  assert.deepEqual(parse(Buffer.from(' {"name":"Zoë"} ')), { name: 'Zoë' });
  assert.deepEqual(parse('{"a":"\\\\","b":"x"}'), { a: '\\', b: 'x' });
  assert.deepEqual(parse('{}'), {});
});

test('J10: rejects duplicate member names at every depth', async () => {
  const cases = [
    '{"alg":"RS256","alg":"none"}',
    '{"sub":"a","x":1,"sub":"b"}',
    '{"alg":"RS256","\\u0061lg":"none"}',
    '{"a":{"b":1,"b":2}}',
    '{"a":[1,{"b":1,"c":{"d":1,"d":1}}]}',
    '{"1":1,"2":{},"1":2}',
    '{"a":[{"x":1},{"x":1,"x":2}]}',
    '{"a":"b:c","a":"::"}',
  ];
  for (const text of cases) await assertJoseError(() => parse(text), 'ERR_JWT_INVALID');
});

test('J10: allows the same name in sibling and nested objects, and colons or quotes inside strings', () => {
  assert.deepEqual(parse('{"a":{"a":1},"b":[{"a":1},{"a":2}]}'), { a: { a: 1 }, b: [{ a: 1 }, { a: 2 }] });
  assert.deepEqual(parse(String.raw`{"a":"b:c","d":"::","e\\":"\\\":{","f":[":"]}`), {
    a: 'b:c',
    d: '::',
    'e\\': '\\":{',
    f: [':'],
  });
  assert.deepEqual(parse('{"2":1,"1":{"b":1}}'), { 1: { b: 1 }, 2: 1 });
});

test('J12: rejects values that are not JSON objects and invalid UTF-8', async () => {
  const cases: (string | Uint8Array)[] = [
    '[]',
    '"text"',
    '42',
    'null',
    'true',
    '',
    '   ',
    '{',
    '{"a":1}x',
    '{"a":1,}',
    "{'a':1}",
    '\ufeff{"a":1}',
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  ];
  for (const input of cases) await assertJoseError(() => parse(input), 'ERR_JWT_INVALID');
});

test('J12: rejects __proto__, constructor and prototype member names at any depth', async () => {
  const cases = [
    '{"__proto__":{"admin":true}}',
    '{"a":{"__proto__":{"admin":true}}}',
    '{"\\u005f_proto__":{}}',
    '{"constructor":{"prototype":{}}}',
    '{"a":[{"prototype":1}]}',
  ];
  for (const text of cases) await assertJoseError(() => parse(text), 'ERR_JWT_INVALID');
  assert.equal(({} as Record<string, unknown>).admin, undefined);
});

test('J13: rejects nesting deeper than the bound', async () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
  assert.ok(parse(nested(20)));
  await assertJoseError(() => parse(nested(21)), 'ERR_JWT_INVALID');
  await assertJoseError(() => parse(`{"a":${'['.repeat(100000)}`), 'ERR_JWT_INVALID');
});

test('error messages never quote the input', async () => {
  try {
    parse('{"secret":"hunter2",}');
    assert.fail('should throw');
  } catch (error) {
    assert.doesNotMatch(String((error as Error).message), /hunter2/);
    assert.equal((error as Error).cause, undefined);
  }
});
