import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluatePolicy, normalizePath, parsePolicy, safeReturnUrl } from '@latchkey/gateway';
import fc from 'fast-check';
import { identityFromClaims } from '../src/auth/identity.js';
import { normalizeSlowly } from '../src/policy/normalize-path.js';

describe('G2: path normalization', () => {
  const cases: [string, string | null, string?][] = [
    ['/a/b', '/a/b'],
    ['/a//b', '/a/b'],
    ['/a/./b/../c', '/a/c'],
    ['/a/%2e%2e/b', '/b'],
    ['/a/%2E./b', '/b'],
    ['/%41dmin', '/admin', '/Admin'],
    ['/ADMIN;x=1/y', '/admin/y', '/ADMIN;x=1/y'],
    ['/a;/../b', '/b'],
    ['/../../etc', '/etc'],
    ['/a/%7e', '/a/~'],
    ['/a/%c3%a9', '/a/%c3%a9'.toLowerCase(), '/a/%C3%A9'],
    ['/a%2fb', null],
    ['/a%5cb', null],
    ['/a%00', null],
    ['/a%09', null],
    ['/a%1f', null],
    ['/a/...', null],
    ['/a/..%20/b', null],
    ['/a/%20./b', null],
    ['/a%252e', null],
    ['/a%2', null],
    ['/a\\b', null],
    ['/a b', null],
    ['/a#frag', null],
    ['http://x/a', null],
    ['*', null],
  ];
  for (const [input, match, forwarded] of cases) {
    test(`${JSON.stringify(input)} → ${match ?? 'refused'}`, () => {
      const result = normalizePath(input);
      if (match === null) return assert.equal(result.ok, false);
      assert.ok(result.ok);
      assert.equal(result.matchPath, match);
      if (forwarded !== undefined) assert.equal(result.path, forwarded);
    });
  }
});

test('G2: the fast path for already-normal paths gives exactly what every normalization step gives', () => {
  // Targets built from the characters that matter to normalization: dots, slashes, escapes, `;`, case.
  const piece = fc.constantFrom(
    '/',
    '.',
    '..',
    '%2e',
    '%2F',
    '%41',
    '%',
    ';',
    'a',
    'B',
    '~',
    '-',
    '?',
    '#',
    '=',
    ' ',
    '%20',
    '@',
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), fc.boolean(), (pieces, caseSensitive) => {
      const target = `/${pieces.join('')}`;
      assert.deepEqual(normalizePath(target, caseSensitive), normalizeSlowly(target, caseSensitive));
    }),
    { numRuns: 3000 },
  );
});

describe('G3: return URLs', () => {
  const own = 'https://gw.example';
  const cases: [string, string][] = [
    ['/orders?id=1#top', '/orders?id=1#top'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['\\\\evil.example', '/'],
    ['https:evil.example', '/'],
    ['https:/evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/\t/evil.example', '/'],
    ['https://evil.example/', '/'],
    ['https://gw.example/x', 'https://gw.example/x'],
    ['https://app.example/x', 'https://app.example/x'],
    ['https://user@app.example/x', '/'],
    ['https://app.example.evil/x', '/'],
    ['relative', '/'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(safeReturnUrl(input, own, ['https://app.example']), expected);
    });
  }
});

describe('policy expressions', () => {
  const identity = identityFromClaims(
    'op',
    {
      sub: 'u',
      scope: 'read write',
      groups: ['staff', 'ops'],
      email_verified: true,
      hd: 'example.com',
      roles: ['a', 'b'],
    },
    { groupsClaim: 'groups', accessToken: undefined },
  );
  const cases: [string[], boolean][] = [
    [['scope:read'], true],
    [['scope:admin'], false],
    [['scope:read', 'group:staff'], true],
    [['group:admins | group:ops'], true],
    [['group:admins', 'scope:read'], false],
    [['claim:email_verified=true'], true],
    [['claim:hd=example.com'], true],
    [['claim:hd=example.co'], false],
    [['claim:roles=b'], true],
    [['claim:missing'], false],
    [['claim:hd'], true],
  ];
  for (const [require, allowed] of cases) {
    test(`${require.join(' & ')} → ${allowed ? 'allow' : 'deny'}`, () => {
      const policy = parsePolicy({ require });
      assert.ok(policy.ok);
      assert.equal(evaluatePolicy(policy.value, identity).allow, allowed);
    });
  }

  test('every policy but public needs an identity', () => {
    assert.equal(evaluatePolicy({ kind: 'public' }, undefined).allow, true);
    assert.deepEqual(evaluatePolicy({ kind: 'authenticated' }, undefined), {
      allow: false,
      reason: 'unauthenticated',
    });
  });
});
