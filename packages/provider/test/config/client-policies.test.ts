import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@latchkey/provider';
import { hostMatches } from '../../src/clients/client-policy.js';

/** The policies as loadConfig reads them from LATCHKEY_CLIENTS_METADATA_DOCUMENTS (JSON, or as given). */
const fromEnv = (raw: unknown) =>
  loadConfig({
    env: { LATCHKEY_CLIENTS_METADATA_DOCUMENTS: typeof raw === 'string' ? raw : JSON.stringify(raw) },
  }).clients.metadataDocuments;

describe('client trust policies (clients.metadataDocuments)', () => {
  test('a list from a file, or JSON from the environment, with scopes and resources defaulting to none', () => {
    const policy = {
      hosts: ['*.example.com'],
      scopes: ['mcp:tools'],
      resources: ['https://mcp.example.com'],
    };
    assert.deepEqual(fromEnv([policy]), [policy]);
    assert.deepEqual(
      loadConfig({ overrides: { clients: { metadataDocuments: [policy] } } }).clients.metadataDocuments,
      [policy],
    );
    assert.deepEqual(fromEnv([{ hosts: ['*'] }]), [{ hosts: ['*'], scopes: [], resources: [] }]);
  });
  const key = 'LATCHKEY_CLIENTS_METADATA_DOCUMENTS';
  const bad: [string, unknown, string][] = [
    [
      'not a list',
      { hosts: ['*'] },
      `${key}: ${JSON.stringify(JSON.stringify({ hosts: ['*'] }))} must be a list of policies`,
    ],
    ['bad JSON', '[{', `${key}: "[{" must be a list of policies (JSON in the environment)`],
    ['no hosts', [{ scopes: [] }], `${key}[0].hosts: is required`],
    ['a host with a path', [{ hosts: ['example.com/x'] }], `${key}[0].hosts[0]: "example.com/x" is not "*"`],
    ['a wildcard in the middle', [{ hosts: ['a.*.com'] }], `${key}[0].hosts[0]: "a.*.com" is not`],
    [
      'a scope with a space',
      [{ hosts: ['*'], scopes: ['a b'] }],
      `${key}[0].scopes[0]: "a b" is not a scope name`,
    ],
    [
      'a resource with a fragment',
      [{ hosts: ['*'], resources: ['https://x#y'] }],
      `${key}[0].resources[0]: "https://x#y" is not an absolute URI without a fragment`,
    ],
    [
      'an unknown key',
      [{ hosts: ['*'], scope: ['a'] }],
      `${key}[0].scope: is not a known key (did you mean scopes?)`,
    ],
  ];
  for (const [name, raw, message] of bad) {
    test(`refuses ${name}, naming where and what is expected`, () =>
      assert.throws(
        () => fromEnv(raw),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(message),
      ));
  }
  const matches: [string, string, boolean][] = [
    ['*', 'anything.example', true],
    ['agent.example.com', 'agent.example.com', true],
    ['agent.example.com', 'AGENT.example.com'.toLowerCase(), true],
    ['agent.example.com', 'evil-agent.example.com', false],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'evilexample.com', false],
  ];
  for (const [pattern, host, expected] of matches) {
    test(`pattern ${pattern} ${expected ? 'matches' : 'does not match'} ${host}`, () =>
      assert.equal(hostMatches(pattern, host), expected));
  }
});
