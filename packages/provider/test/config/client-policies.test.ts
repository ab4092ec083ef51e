import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hostMatches } from '../../src/clients/client-policy.js';
import { parseClientPolicies } from '../../src/config/client-policies.js';

describe('client trust policies (clients.metadataDocuments)', () => {
  test('a list from a file, or JSON from the environment, with scopes and resources defaulting to none', () => {
    const policy = {
      hosts: ['*.example.com'],
      scopes: ['mcp:tools'],
      resources: ['https://mcp.example.com'],
    };
    assert.deepEqual(parseClientPolicies([policy]), { ok: true, value: [policy] });
    assert.deepEqual(parseClientPolicies(JSON.stringify([{ hosts: ['*'] }])), {
      ok: true,
      value: [{ hosts: ['*'], scopes: [], resources: [] }],
    });
  });
  const bad: [string, unknown][] = [
    ['not a list', { hosts: ['*'] }],
    ['bad JSON', '[{'],
    ['no hosts', [{ scopes: [] }]],
    ['a host with a path', [{ hosts: ['example.com/x'] }]],
    ['a wildcard in the middle', [{ hosts: ['a.*.com'] }]],
    ['a scope with a space', [{ hosts: ['*'], scopes: ['a b'] }]],
    ['a resource with a fragment', [{ hosts: ['*'], resources: ['https://x#y'] }]],
    ['an unknown key', [{ hosts: ['*'], scope: ['a'] }]],
  ];
  for (const [name, raw] of bad) {
    test(`refuses ${name}`, () => assert.equal(parseClientPolicies(raw).ok, false));
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
