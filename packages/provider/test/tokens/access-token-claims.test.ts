import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessTokenClaims } from '../../src/tokens/index.js';

const BASE = {
  issuer: 'https://id.example.com',
  subject: 'u1',
  audience: ['https://api.example.com'],
  clientId: 'c1',
  scopes: ['openid', 'profile'],
  jti: 'j1',
  issuedAt: 1_800_000_000,
  lifetime: 600,
  authTime: null,
  acr: null,
  amr: [],
  grantId: null,
  userinfoClaims: [],
  groups: undefined,
} as const;

test('RFC 9068 §2.2: a client token has the required claims only, in a fixed order', () => {
  const claims = accessTokenClaims(BASE);
  assert.deepEqual(Object.keys(claims), ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']);
  assert.equal(claims.aud, 'https://api.example.com');
  assert.equal(claims.exp, 1_800_000_600);
  assert.equal(claims.scope, 'openid profile');
});

test('every optional claim present is added after them, in a fixed order, as copies', () => {
  const amr = ['pwd'];
  const claims = accessTokenClaims({
    ...BASE,
    audience: ['https://a.example.com', 'https://b.example.com'],
    authTime: 1_799_999_000,
    acr: 'urn:latchkey:acr:pwd',
    amr,
    grantId: 'g1',
    userinfoClaims: ['email'],
    groups: ['admins'],
    dpopJkt: 'thumb',
    act: { sub: 'agent' },
  });
  assert.deepEqual(Object.keys(claims), [
    'iss',
    'sub',
    'aud',
    'exp',
    'iat',
    'jti',
    'client_id',
    'scope',
    'auth_time',
    'acr',
    'amr',
    'grant_id',
    'userinfo_claims',
    'groups',
    'cnf',
    'act',
  ]);
  assert.deepEqual(claims.aud, ['https://a.example.com', 'https://b.example.com']);
  assert.deepEqual(claims.cnf, { jkt: 'thumb' });
  assert.notEqual(claims.amr, amr);
  assert.deepEqual(claims.amr, ['pwd']);
});
