import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BearerChallengeParams, bearerChallenge } from '@latchkey/oidc';

const CHALLENGES: ReadonlyArray<[string, BearerChallengeParams, string]> = [
  ['no parameters', {}, 'Bearer'],
  ['a missing token: realm only, no error (RFC 6750 §3.1)', { realm: 'api' }, 'Bearer realm="api"'],
  [
    'an invalid token with its description',
    { realm: 'api', error: 'invalid_token', errorDescription: 'the JWT has expired' },
    'Bearer realm="api", error="invalid_token", error_description="the JWT has expired"',
  ],
  [
    'insufficient scope names the scopes, space-delimited',
    { error: 'insufficient_scope', scope: ['read', 'admin'] },
    'Bearer error="insufficient_scope", scope="read admin"',
  ],
  [
    'an empty scope list is left out',
    { error: 'insufficient_scope', scope: [] },
    'Bearer error="insufficient_scope"',
  ],
  [
    'resource_metadata per RFC 9728 §5.1, also without an error',
    { realm: 'api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource' },
    'Bearer realm="api", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
  ],
  ['a description without an error is left out', { errorDescription: 'x' }, 'Bearer'],
  [
    'quotes and backslashes in the realm are escaped',
    { realm: 'a "b" \\c' },
    'Bearer realm="a \\"b\\" \\\\c"',
  ],
  [
    'control characters cannot break the header',
    { realm: 'a\r\nSet-Cookie: x' },
    'Bearer realm="a??Set-Cookie: x"',
  ],
  [
    'the description is limited to the RFC 6750 §3 characters',
    { error: 'invalid_token', errorDescription: 'bad "iss" \\ é\n' },
    'Bearer error="invalid_token", error_description="bad \'iss\' / ??"',
  ],
];

for (const [name, params, expected] of CHALLENGES) {
  test(`bearerChallenge: ${name}`, () => {
    assert.equal(bearerChallenge(params), expected);
  });
}

test('bearerChallenge shortens a very long description', () => {
  const header = bearerChallenge({ error: 'invalid_token', errorDescription: 'x'.repeat(1000) });
  const description = /error_description="([^"]*)"/.exec(header)?.[1] ?? '';
  assert.equal(description.length, 200);
  assert.ok(description.endsWith('...'));
});
