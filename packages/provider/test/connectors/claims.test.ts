import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emailDomainAllowed, mapGroups, mapProfile, stringList } from '../../src/connectors/claims.js';
import type { ConnectorSettings, UpstreamProfile } from '../../src/connectors/connector.js';

function settings(overrides: Partial<ConnectorSettings> = {}): ConnectorSettings {
  return {
    id: 'corp',
    type: 'oidc',
    displayName: 'Corp',
    logoUrl: undefined,
    jit: 'create',
    claims: {},
    groups: { claim: 'groups', map: {} },
    allowedEmailDomains: [],
    ...overrides,
  };
}

function profile(overrides: Partial<UpstreamProfile> = {}): UpstreamProfile {
  return {
    key: { connectorId: 'corp', issuer: 'https://idp.example', subject: 's1' },
    verifiedEmail: undefined,
    claims: {},
    groups: [],
    amr: [],
    acr: undefined,
    ...overrides,
  };
}

test('mapProfile fills the mapped profile claims from upstream claims, strings only, nothing unmapped', () => {
  const mapped = mapProfile(
    settings({ claims: { name: 'display_name', nickname: 'login', locale: 'missing', website: 'numeric' } }),
    profile({ claims: { display_name: 'Dee Example', login: 'dee', numeric: 42, email: 'dee@x.example' } }),
  );
  assert.deepEqual(mapped, { name: 'Dee Example', nickname: 'dee' });
});

test('mapProfile with no mapping takes the standard claims of the same name', () => {
  const mapped = mapProfile(
    settings(),
    profile({ claims: { name: 'N', given_name: 'G', sub: 'x', groups: ['a'] } }),
  );
  assert.deepEqual(mapped, { name: 'N', given_name: 'G' });
});

test('mapGroups keeps only mapped groups, once each', () => {
  const s = settings({
    groups: { claim: 'groups', map: { 'corp-admins': 'admins', 'corp-ops': 'admins', devs: 'eng' } },
  });
  assert.deepEqual(mapGroups(s, profile({ groups: ['corp-admins', 'corp-ops', 'visitors', 'devs'] })), [
    'admins',
    'eng',
  ]);
  assert.deepEqual(mapGroups(s, profile({ groups: ['__proto__', 'toString'] })), []);
});

test('emailDomainAllowed: any address without a list; with one, only a verified address at a listed domain', () => {
  assert.equal(emailDomainAllowed(settings(), profile()), true);
  const s = settings({ allowedEmailDomains: ['corp.example'] });
  assert.equal(emailDomainAllowed(s, profile({ verifiedEmail: 'dee@CORP.example' })), true);
  assert.equal(emailDomainAllowed(s, profile({ verifiedEmail: 'dee@corp.example.evil.example' })), false);
  assert.equal(emailDomainAllowed(s, profile({ verifiedEmail: 'dee@sub.corp.example' })), false);
  assert.equal(emailDomainAllowed(s, profile({ verifiedEmail: undefined })), false);
});

test('stringList reads one string, a list of strings, or nothing', () => {
  assert.deepEqual(stringList('a'), ['a']);
  assert.deepEqual(stringList(['a', 1, 'b', null]), ['a', 'b']);
  assert.deepEqual(stringList({ a: 1 }), []);
  assert.deepEqual(stringList(undefined), []);
});
