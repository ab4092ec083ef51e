import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '@latchkey/provider';
import { tempDir } from '../helpers/fixtures.js';

const OIDC = {
  id: 'corp',
  type: 'oidc',
  displayName: 'Corp SSO',
  issuer: 'https://sso.corp.example',
  clientId: 'latchkey',
  clientSecret: 'a-very-secret-value',
};

const load = (connectors: unknown, env: Record<string, string> = {}) =>
  loadConfig({ env, overrides: { connectors } as never });

test('connectors default to none; a valid OIDC connector is read with its defaults', () => {
  assert.deepEqual(loadConfig({ env: {} }).connectors, []);
  const [corp] = load([OIDC]).connectors;
  assert.deepEqual(corp, {
    ...OIDC,
    logoUrl: undefined,
    jit: 'link-only',
    claims: {},
    groups: { claim: undefined, map: {} },
    allowedEmailDomains: [],
    scopes: ['openid', 'profile', 'email'],
    userinfo: false,
  });
});

test('LATCHKEY_CONNECTORS takes the list as JSON', () => {
  const config = loadConfig({ env: { LATCHKEY_CONNECTORS: JSON.stringify([OIDC]) } });
  assert.equal(config.connectors[0]?.id, 'corp');
});

for (const [why, connectors, key] of [
  ['not a list', { id: 'x' }, 'must be a list'],
  ['an unknown type', [{ ...OIDC, type: 'saml' }], 'connectors[0].type must be one of oidc'],
  ['a missing display name', [{ ...OIDC, displayName: undefined }], 'connectors[0].displayName is required'],
  ['a bad id', [{ ...OIDC, id: 'Corp SSO' }], 'connectors[0].id must be'],
  ['a repeated id', [OIDC, OIDC], 'connectors[1].id repeats the id corp'],
  ['an http issuer', [{ ...OIDC, issuer: 'http://sso.corp.example' }], 'connectors[0].issuer must use https'],
  [
    'a bad JIT mode',
    [{ ...OIDC, jit: 'merge-by-email' }],
    'connectors[0].jit must be one of create, link-only, deny',
  ],
  [
    'an unknown claim',
    [{ ...OIDC, claims: { password_hash: 'x' } }],
    'connectors[0].claims.password_hash is not a profile claim',
  ],
  [
    'a misspelt key',
    [{ ...OIDC, clientSecrett: 'x' }],
    'connectors[0].clientSecrett is not a connector setting',
  ],
  [
    'a bad domain',
    [{ ...OIDC, allowedEmailDomains: ['@corp'] }],
    'connectors[0].allowedEmailDomains has @corp',
  ],
  ['a bad groups map', [{ ...OIDC, groups: { map: ['admins'] } }], 'connectors[0].groups.map must be a map'],
] as const) {
  test(`a connector with ${why} fails the start with a message naming the key, never the secret`, () => {
    assert.throws(
      () => load(connectors),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(key) &&
        !error.message.includes('a-very-secret-value'),
    );
  });
}

test('the GitHub preset needs only an id, a name, a client id and a secret', () => {
  const [github] = load([
    {
      id: 'github',
      type: 'oauth2',
      preset: 'github',
      displayName: 'GitHub',
      clientId: 'abc',
      clientSecret: 'shh',
    },
  ]).connectors;
  assert.equal((github as unknown as { userUrl: string }).userUrl, 'https://api.github.com/user');
  assert.equal((github as unknown as { subjectField: string }).subjectField, 'id');
  assert.equal(github?.claims['preferred_username'], 'login');
});

test('an oauth2 connector without a preset must name its endpoints', () => {
  assert.throws(
    () => load([{ id: 'gh', type: 'oauth2', displayName: 'X', clientId: 'abc', clientSecret: 'shh' }]),
    /connectors\[0\]\.issuer is required/,
  );
});

test('a YAML file takes connectors as a list of maps, and names the file in an error', () => {
  const file = join(tempDir(), 'latchkey.yaml');
  writeFileSync(
    file,
    `connectors:
  - id: corp
    type: oidc
    displayName: Corp SSO
    issuer: https://sso.corp.example
    clientId: latchkey
    clientSecret: a-very-secret-value
    claims:
      name: display_name
    groups:
      claim: groups
      map:
        corp-admins: admins
`,
  );
  const [corp] = loadConfig({ env: {}, file }).connectors;
  assert.deepEqual(corp?.claims, { name: 'display_name' });
  assert.deepEqual(corp?.groups, { claim: 'groups', map: { 'corp-admins': 'admins' } });
  writeFileSync(file, 'connectors:\n  - id: corp\n    type: oidc\n    displayName: X\n    clientId: a\n');
  assert.throws(
    () => loadConfig({ env: {}, file }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('latchkey.yaml') &&
      error.message.includes('connectors[0].issuer is required'),
  );
});

const LDAP = {
  id: 'dir',
  type: 'ldap',
  displayName: 'Directory',
  url: 'ldap://ldap.corp.example',
  startTls: true,
  bindDn: 'cn=latchkey,dc=corp,dc=example',
  bindPassword: 'a-very-secret-value',
  userBase: 'ou=people,dc=corp,dc=example',
};

for (const [why, extra, key] of [
  [
    'a URL that is not ldap:// or ldaps://',
    { url: 'http://ldap.corp.example' },
    'connectors[0].url must be ldap://',
  ],
  [
    'StartTLS on an ldaps:// URL',
    { url: 'ldaps://ldap.corp.example' },
    'connectors[0].startTls is for ldap:// URLs',
  ],
  ['no service account password', { bindPassword: undefined }, 'connectors[0].bindPassword is required'],
  ['a group search without a base', { groupSearch: 'search' }, 'connectors[0].groupBase is required'],
  [
    'a CA file that is not there',
    { caFile: '/nonexistent/ca.pem' },
    'connectors[0].caFile names /nonexistent/ca.pem',
  ],
] as const) {
  test(`an LDAP connector with ${why} fails the start naming the key`, () => {
    assert.throws(
      () => load([{ ...LDAP, ...extra }]),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(key) &&
        !error.message.includes('a-very-secret-value'),
    );
  });
}

test('an LDAP connector reads its defaults', () => {
  const [dir] = load([LDAP]).connectors as unknown as Record<string, unknown>[];
  assert.equal(dir?.['userFilter'], '(objectClass=person)');
  assert.equal(dir?.['usernameAttribute'], 'uid');
  assert.equal(dir?.['subjectAttribute'], 'entryUUID');
  assert.deepEqual(dir?.['groupSearch'], { mode: 'memberOf' });
});
