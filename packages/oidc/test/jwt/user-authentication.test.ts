import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { generateKeyPair, type JoseKey, LocalKeySet, signJwt, verifyJwt } from '@latchkey/oidc';

const NOW = 1_800_000_000;
const ISSUER = 'https://id.example.com';
const MFA = 'urn:latchkey:acr:mfa';
const base = { iss: ISSUER, aud: 'api', sub: 'user-1', iat: NOW, exp: NOW + 300 };
const options = { issuer: ISSUER, audience: 'api', now: () => NOW * 1000, requireAcr: [MFA], maxAge: '5m' };

let keys: { privateKey: JoseKey; publicKey: JoseKey };
let keySet: LocalKeySet;
before(async () => {
  keys = await generateKeyPair('ES256', { kid: 'k' });
  keySet = new LocalKeySet([keys.publicKey]);
});

const verify = (claims: Record<string, unknown>) =>
  verifyJwt(signJwt({ ...base, ...claims }, keys.privateKey), keySet, options);

test('requireAcr and maxAge accept a token whose acr is required and whose auth_time is recent enough', async () => {
  const { claims } = await verify({ acr: MFA, auth_time: NOW - 300 });
  assert.equal(claims.sub, 'user-1');
});

const refused: [string, Record<string, unknown>, string][] = [
  ['another acr', { acr: 'urn:latchkey:acr:pwd', auth_time: NOW }, 'acr'],
  ['no acr', { auth_time: NOW }, 'acr'],
  ['an authentication older than maxAge', { acr: MFA, auth_time: NOW - 301 }, 'auth_time'],
  ['no auth_time', { acr: MFA }, 'auth_time'],
];
for (const [name, claims, claim] of refused) {
  test(`requireAcr/maxAge refuse ${name} with ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION`, async () => {
    await assert.rejects(verify(claims), { code: 'ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION', claim });
  });
}

test('a non-numeric auth_time is a malformed token (ERR_JWT_INVALID), not a step-up', async () => {
  await assert.rejects(verify({ acr: MFA, auth_time: 'yesterday' }), { code: 'ERR_JWT_INVALID' });
});

test('an expired token is invalid before its user authentication is looked at', async () => {
  await assert.rejects(verify({ acr: 'pwd', exp: NOW - 60 }), { code: 'ERR_JWT_EXPIRED' });
});
