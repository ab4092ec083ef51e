import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '@latchkey/provider';

const RULE = {
  name: 'gh',
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'https://latchkey.example.com',
  claims: { repository: 'acme/api' },
  clientId: 'ci',
};

test('trust rules and exchange policies load from JSON in the environment', () => {
  const config = loadConfig({
    env: {
      LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([RULE]),
      LATCHKEY_TOKEN_EXCHANGE_CLIENTS: JSON.stringify({
        a: { audiences: ['https://x.example.com'], scopes: ['read'], subjectClients: ['web'] },
      }),
    },
  });
  assert.equal(config.workloadIdentity.trust[0]?.maxLifetime, 3600);
  assert.deepEqual(config.workloadIdentity.trust[0]?.scopes, []);
  assert.equal(config.tokenExchange.clients.a?.impersonation, false);
});

const BAD: readonly [string, Record<string, string>, RegExp][] = [
  [
    'a trust rule without an audience',
    { LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([{ ...RULE, audience: undefined }]) },
    /gh.audience/,
  ],
  [
    'a trust rule over plain http',
    { LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([{ ...RULE, issuer: 'http://ci.example.com' }]) },
    /gh.issuer/,
  ],
  [
    'a trust rule with an unknown key',
    { LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([{ ...RULE, when: 'x' }]) },
    /when is not a rule key/,
  ],
  [
    'a condition that is a number',
    { LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([{ ...RULE, claims: { run: 1 } }]) },
    /gh.claims/,
  ],
  ['two rules with one name', { LATCHKEY_WORKLOAD_IDENTITY_TRUST: JSON.stringify([RULE, RULE]) }, /unique/],
  ['trust rules that are not JSON', { LATCHKEY_WORKLOAD_IDENTITY_TRUST: '[{' }, /list of trust rules/],
  [
    'a policy without audiences',
    {
      LATCHKEY_TOKEN_EXCHANGE_CLIENTS: JSON.stringify({
        a: { audiences: [], scopes: [], subjectClients: ['w'] },
      }),
    },
    /a.audiences/,
  ],
];

for (const [name, env, message] of BAD) {
  test(`the start fails on ${name}, naming the key`, () => {
    assert.throws(
      () => loadConfig({ env }),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
    );
  });
}
