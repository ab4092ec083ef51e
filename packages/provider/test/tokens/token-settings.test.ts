import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '@latchkey/provider';

const load = (env: Record<string, string>) =>
  loadConfig({ env: { LATCHKEY_DATA_DIR: '/tmp/unused', ...env } });

test('token lifetimes default to 10 minutes (access) and 1 hour (ID), access tokens to ES256', () => {
  const { tokens } = load({});
  assert.equal(tokens.accessTokenLifetime, 600);
  assert.equal(tokens.idTokenLifetime, 3600);
  assert.equal(tokens.accessTokenAlg, 'ES256');
});

test('access tokens fall back to RS256 when ES256 is not a configured algorithm', () => {
  assert.equal(load({ LATCHKEY_KEYS_ALGORITHMS: 'RS256,EdDSA' }).tokens.accessTokenAlg, 'RS256');
});

const refused: [string, Record<string, string>, string][] = [
  [
    'an access token outliving keys.maxTokenLifetime',
    { LATCHKEY_KEYS_MAX_TOKEN_LIFETIME: '5m' },
    'tokens.accessTokenLifetime',
  ],
  [
    'an ID token outliving keys.maxTokenLifetime',
    { LATCHKEY_TOKENS_ID_TOKEN_LIFETIME: '2d' },
    'tokens.idTokenLifetime',
  ],
  [
    'an access-token algorithm that is not configured',
    { LATCHKEY_TOKENS_ACCESS_TOKEN_ALG: 'PS256' },
    'tokens.accessTokenAlg',
  ],
  [
    'an HMAC access-token algorithm',
    { LATCHKEY_TOKENS_ACCESS_TOKEN_ALG: 'HS256' },
    'LATCHKEY_TOKENS_ACCESS_TOKEN_ALG',
  ],
];
for (const [name, env, key] of refused) {
  test(`refuses ${name}, naming ${key}`, () => {
    assert.throws(
      () => load(env),
      (error: unknown) => error instanceof ConfigError && error.message.startsWith(key),
    );
  });
}
