import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { JwsAlgorithm } from '@latchkey/oidc';
import { tokenHash } from '../../src/tokens/index.js';

// OIDC Core 1.0 Appendix A.3: this access token has at_hash 77QmUPtjPfzWtF2AnpK9RQ under RS256.
const CORE_ACCESS_TOKEN = 'jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y';

test('J22: at_hash of the OIDC Core Appendix A.3 access token is 77QmUPtjPfzWtF2AnpK9RQ', () => {
  assert.equal(tokenHash(CORE_ACCESS_TOKEN, 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
  assert.equal(tokenHash(CORE_ACCESS_TOKEN, 'ES256'), '77QmUPtjPfzWtF2AnpK9RQ');
});

const leftHalf = (hash: string) => {
  const digest = createHash(hash).update(CORE_ACCESS_TOKEN).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
};

const cases: [JwsAlgorithm, string, number][] = [
  ['RS384', 'sha384', 32],
  ['PS512', 'sha512', 43],
  ['ES512', 'sha512', 43],
  // OIDC Core §3.1.3.6 with RFC 8037: Ed25519 signs with SHA-512, so at_hash uses SHA-512.
  ['EdDSA', 'sha512', 43],
];
for (const [alg, hash, length] of cases) {
  test(`J22: at_hash for ${alg} is the left half of ${hash.toUpperCase()}, base64url (${length} characters)`, () => {
    const value = tokenHash(CORE_ACCESS_TOKEN, alg);
    assert.equal(value, leftHalf(hash));
    assert.equal(value.length, length);
    assert.notEqual(value, leftHalf('sha256'));
  });
}
