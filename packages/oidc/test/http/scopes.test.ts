import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireScopes } from '@latchkey/oidc';

const CHECKS: ReadonlyArray<[string, string[], unknown, string[]]> = [
  [
    'all scopes granted by the space-delimited scope claim',
    ['read', 'write'],
    { scope: 'write read other' },
    [],
  ],
  ['one scope missing', ['read', 'admin'], { scope: 'read write' }, ['admin']],
  ['scopes are case-sensitive', ['Read'], { scope: 'read' }, ['Read']],
  ['no prefix or substring match', ['adm'], { scope: 'admin' }, ['adm']],
  ['extra spaces between scopes are harmless', ['a', 'b'], { scope: ' a  b ' }, []],
  ['no scope claim grants nothing', ['read'], { sub: 'x' }, ['read']],
  ['a scope claim that is not a string grants nothing', ['read'], { scope: ['read'] }, ['read']],
  ['scp as an array of strings, when scope is absent', ['read'], { scp: ['read', 'write'] }, []],
  ['scp as a space-delimited string, when scope is absent', ['read'], { scp: 'read write' }, []],
  ['scp with a non-string element grants nothing', ['read'], { scp: ['read', 1] }, ['read']],
  [
    'scope wins over scp: one claim is read, never a union',
    ['admin'],
    { scope: 'read', scp: ['admin'] },
    ['admin'],
  ],
  ['claims that are not an object grant nothing', ['read'], null, ['read']],
  ['no required scopes always passes', [], {}, []],
  ['duplicates in the requirement are reported once', ['a', 'a'], {}, ['a']],
];

for (const [name, required, claims, missing] of CHECKS) {
  test(`requireScopes: ${name}`, () => {
    assert.deepEqual(requireScopes(...required)(claims), missing);
  });
}

const INVALID: ReadonlyArray<[string, unknown[]]> = [
  ['an empty name', ['']],
  ['a name with a space', ['read write']],
  ['a name with a quote', ['a"b']],
  ['a name with a backslash', ['a\\b']],
  ['a non-ASCII name', ['lecture-é']],
  ['a name that is not a string', [42]],
];

for (const [name, scopes] of INVALID) {
  test(`requireScopes refuses ${name} at once with a TypeError`, () => {
    assert.throws(() => requireScopes(...(scopes as string[])), {
      name: 'TypeError',
      message: /requireScopes\(\)/,
    });
  });
}
