import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimsMatch, globMatch } from '../../src/workload/claim-conditions.js';

const GLOBS: readonly [string, string, boolean][] = [
  ['refs/heads/main', 'refs/heads/main', true],
  ['refs/heads/main', 'refs/heads/mainline', false],
  ['refs/tags/v*', 'refs/tags/v1.2.3', true],
  ['refs/tags/v*', 'refs/heads/v1', false],
  ['repo:acme/*:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/main', true],
  ['repo:acme/*:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/dev', false],
  ['*', '', true],
  ['a*b*c', 'abc', true],
  ['a*b*c', 'ac', false],
  ['ab*ba', 'aba', false],
];

for (const [pattern, value, expected] of GLOBS) {
  test(`glob ${pattern} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(value)}`, () => {
    assert.equal(globMatch(pattern, value), expected);
  });
}

test('every condition must hold; lists are alternatives; objects reach into object claims', () => {
  const conditions = {
    repository: 'acme/api',
    ref: ['refs/heads/main', 'refs/tags/*'],
    env: { name: 'prod' },
  };
  assert.equal(
    claimsMatch(conditions, { repository: 'acme/api', ref: 'refs/tags/v1', env: { name: 'prod' } }),
    true,
  );
  assert.equal(
    claimsMatch(conditions, { repository: 'acme/api', ref: 'refs/heads/x', env: { name: 'prod' } }),
    false,
  );
  assert.equal(claimsMatch(conditions, { repository: 'acme/api', ref: 'refs/heads/main' }), false);
  assert.equal(claimsMatch({ admin: 'true' }, { admin: true }), false);
});
