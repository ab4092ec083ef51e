import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anyDuration, checkValue, closest, integer, json, list, refined } from '@latchkey/config-schema';
import * as Type from 'typebox/type';

const shown = (value: unknown, whole: boolean) =>
  whole ? `whole ${JSON.stringify(value)}` : JSON.stringify(value);

describe('checkValue', () => {
  test('reads text into the value the schema checks', () => {
    assert.deepEqual(checkValue(anyDuration(), '15m', shown), { ok: true, value: 900 });
    assert.deepEqual(checkValue(integer(0, 9, 'x'), '7', shown), { ok: true, value: 7 });
    assert.deepEqual(checkValue(list(Type.String(), 'x'), 'a, b,,c', shown), {
      ok: true,
      value: ['a', 'b', 'c'],
    });
  });

  test('a refused value is shown as written, with what is expected', () => {
    const checked = checkValue(integer(1, 60, 'must be from 1 to 60'), '90', shown);
    assert.deepEqual(checked, { ok: false, at: '', problem: 'whole "90" must be from 1 to 60' });
  });

  test('an error inside a structure names its path and the refused part', () => {
    const schema = json(
      Type.Array(
        Type.Object({ hosts: list(Type.String({ pattern: '^[a-z.]+$', problem: 'is not a host' }), 'x') }),
      ),
    );
    assert.deepEqual(checkValue(schema, '[{"hosts":["ok.example","B@D"]}]', shown), {
      ok: false,
      at: '[0].hosts[1]',
      problem: '"B@D" is not a host',
    });
  });

  test('a refinement words its own problem', () => {
    const even = refined(Type.Integer({ problem: 'must be a number' }), (n) =>
      n % 2 === 0 ? undefined : 'is odd',
    );
    assert.deepEqual(checkValue(even, 3, shown), { ok: false, at: '', problem: 'whole 3 is odd' });
  });

  test('an unknown key is refused with a guess, a missing one named, a left-out default filled', () => {
    const schema = Type.Object(
      { scopes: Type.Array(Type.String(), { default: [] }), hosts: Type.Array(Type.String()) },
      { additionalProperties: false },
    );
    assert.deepEqual(checkValue(schema, { hosts: [], scope: [] }, shown), {
      ok: false,
      at: '.scope',
      problem: 'is not a known key (did you mean scopes?)',
    });
    assert.deepEqual(checkValue(schema, {}, shown), { ok: false, at: '.hosts', problem: 'is required' });
    assert.deepEqual(checkValue(schema, { hosts: ['a'] }, shown), {
      ok: true,
      value: { hosts: ['a'], scopes: [] },
    });
  });
});

test('closest guesses within two edits, case ignored, and nothing beyond', () => {
  assert.equal(closest('isuer', ['issuer', 'port']), 'issuer');
  assert.equal(closest('PORT', ['issuer', 'port']), 'port');
  assert.equal(closest('database', ['issuer', 'port']), undefined);
});
