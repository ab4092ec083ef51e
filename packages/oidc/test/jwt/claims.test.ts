import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ClaimsValidationOptions,
  type JoseErrorCode,
  type JwsHeader,
  validateClaims,
} from '@latchkey/oidc';

const NOW = 1_800_000_000; // seconds
const now = () => NOW * 1000;
const ISSUER = 'https://id.example.com';
const AUDIENCE = 'api';

const base = { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: NOW - 10, exp: NOW + 600 };
const header: JwsHeader = { alg: 'ES256' };

interface Case {
  name: string;
  claims?: Record<string, unknown>;
  header?: Partial<JwsHeader>;
  options?: ClaimsValidationOptions;
  /** Expected failure; omitted when the token must be accepted. */
  error?: { code: JoseErrorCode; claim?: string; reason?: string };
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const options: ClaimsValidationOptions = { issuer: ISSUER, audience: AUDIENCE, now, ...c.options };
      const h = { ...header, ...c.header } as JwsHeader;
      const claims = c.claims ?? base;
      if (c.error === undefined) {
        assert.deepEqual(validateClaims(h, claims, options), claims);
        return;
      }
      const expected = c.error;
      assert.throws(
        () => validateClaims(h, claims, options),
        (e: unknown) => {
          const err = e as { code?: string; claim?: string; reason?: string };
          assert.equal(err.code, expected.code);
          if (expected.claim !== undefined) assert.equal(err.claim, expected.claim);
          if (expected.reason !== undefined) assert.equal(err.reason, expected.reason);
          return true;
        },
      );
    });
  }
}

const expired = { code: 'ERR_JWT_EXPIRED', claim: 'exp' } as const;
const invalid = (claim: string) => ({ code: 'ERR_JWT_INVALID', claim, reason: 'type' }) as const;
const claimInvalid = (claim: string, reason?: string) =>
  ({ code: 'ERR_JWT_CLAIM_INVALID', claim, ...(reason ? { reason } : {}) }) as const;

describe('J14: a nested JWT (cty JWT) is not supported', () => {
  run([
    { name: 'J14: rejects cty JWT', header: { cty: 'JWT' }, error: { code: 'ERR_JOSE_NOT_SUPPORTED' } },
    {
      name: 'J14: rejects cty application/jwt',
      header: { cty: 'application/JWT' },
      error: { code: 'ERR_JOSE_NOT_SUPPORTED' },
    },
    { name: 'J14: accepts another cty', header: { cty: 'json' } },
  ]);
});

describe('J15: exp must be a finite JSON number in the future', () => {
  const tol0 = { clockTolerance: 0 };
  run([
    {
      name: 'J15: rejects a missing exp',
      claims: { ...base, exp: undefined },
      error: claimInvalid('exp', 'missing'),
    },
    { name: 'J15: rejects an exp in the past', claims: { ...base, exp: NOW - 3600 }, error: expired },
    {
      name: 'J15: rejects an exp equal to now (no tolerance)',
      claims: { ...base, exp: NOW },
      options: tol0,
      error: expired,
    },
    {
      name: 'J15: accepts an exp one second ahead (no tolerance)',
      claims: { ...base, exp: NOW + 1 },
      options: tol0,
    },
    {
      name: 'J15: rejects an exp given as a string',
      claims: { ...base, exp: String(NOW + 600) },
      error: invalid('exp'),
    },
    { name: 'J15: accepts a fractional exp', claims: { ...base, exp: NOW + 0.5 }, options: tol0 },
    {
      name: 'J15: rejects exp 1e400 (Infinity)',
      claims: JSON.parse(`{"exp":1e400,"iss":"${ISSUER}","aud":"api"}`),
      error: invalid('exp'),
    },
    {
      name: 'J15: rejects an exp in milliseconds',
      claims: { ...base, exp: (NOW + 600) * 1000 },
      error: claimInvalid('exp', 'too_far'),
    },
    { name: 'J15: accepts an exp nine years ahead', claims: { ...base, exp: NOW + 9 * 365 * 86_400 } },
    { name: 'J15: rejects a negative exp', claims: { ...base, exp: -1 }, error: invalid('exp') },
    { name: 'J15: rejects an exp of null', claims: { ...base, exp: null }, error: invalid('exp') },
  ]);
});

describe('J16: nbf, iat and max age, both sides of each boundary', () => {
  const tol = { clockTolerance: 30 };
  run([
    { name: 'J16: accepts nbf exactly now + tolerance', claims: { ...base, nbf: NOW + 30 }, options: tol },
    {
      name: 'J16: rejects nbf one second beyond tolerance',
      claims: { ...base, nbf: NOW + 31 },
      options: tol,
      error: claimInvalid('nbf', 'future'),
    },
    { name: 'J16: accepts iat exactly now + tolerance', claims: { ...base, iat: NOW + 30 }, options: tol },
    {
      name: 'J16: rejects iat one second beyond tolerance',
      claims: { ...base, iat: NOW + 31 },
      options: tol,
      error: claimInvalid('iat', 'future'),
    },
    {
      name: 'J16: rejects iat in milliseconds',
      claims: { ...base, iat: NOW * 1000 },
      error: claimInvalid('iat', 'future'),
    },
    { name: 'J16: rejects nbf as a string', claims: { ...base, nbf: 'now' }, error: invalid('nbf') },
    { name: 'J16: rejects iat as a string', claims: { ...base, iat: '1' }, error: invalid('iat') },
    {
      name: 'J16: accepts a token exactly maxTokenAge + tolerance old',
      claims: { ...base, iat: NOW - 330 },
      options: { maxTokenAge: '5m' },
    },
    {
      name: 'J16: rejects a token one second older than maxTokenAge + tolerance',
      claims: { ...base, iat: NOW - 331 },
      options: { maxTokenAge: '5m' },
      error: claimInvalid('iat', 'too_old'),
    },
    {
      name: 'J16: maxTokenAge requires iat',
      claims: { ...base, iat: undefined },
      options: { maxTokenAge: 300 },
      error: claimInvalid('iat', 'missing'),
    },
  ]);
});

describe('J17: clock tolerance is 30 s by default and configurable', () => {
  run([
    { name: 'J17: accepts a token expired 29 s ago by default', claims: { ...base, exp: NOW - 29 } },
    {
      name: 'J17: rejects a token expired 30 s ago by default',
      claims: { ...base, exp: NOW - 30 },
      error: expired,
    },
    {
      name: 'J17: accepts a token expired 59 s ago with a 1m tolerance',
      claims: { ...base, exp: NOW - 59 },
      options: { clockTolerance: '1m' },
    },
    {
      name: 'J17: rejects a token expired 1 s ago with no tolerance',
      claims: { ...base, exp: NOW - 1 },
      options: { clockTolerance: 0 },
      error: expired,
    },
    {
      name: 'J17: nbf uses the configured tolerance',
      claims: { ...base, nbf: NOW + 5 },
      options: { clockTolerance: 0 },
      error: claimInvalid('nbf', 'future'),
    },
  ]);
});

describe('J18: iss is an exact string match', () => {
  run([
    { name: 'J18: accepts the exact issuer', claims: base },
    {
      name: 'J18: rejects a trailing slash',
      claims: { ...base, iss: `${ISSUER}/` },
      error: claimInvalid('iss', 'mismatch'),
    },
    {
      name: 'J18: rejects a different case',
      claims: { ...base, iss: 'https://ID.example.com' },
      error: claimInvalid('iss', 'mismatch'),
    },
    {
      name: 'J18: rejects http instead of https',
      claims: { ...base, iss: 'http://id.example.com' },
      error: claimInvalid('iss', 'mismatch'),
    },
    {
      name: 'J18: rejects a missing iss',
      claims: { ...base, iss: undefined },
      error: claimInvalid('iss', 'missing'),
    },
    { name: 'J18: rejects a non-string iss', claims: { ...base, iss: [ISSUER] }, error: invalid('iss') },
  ]);
});

describe('J19: aud must contain one configured audience exactly', () => {
  const idToken = { idToken: true, audience: 'client-1', authorizedParty: 'client-1' } as const;
  run([
    { name: 'J19: accepts a string audience', claims: { ...base, aud: 'api' } },
    { name: 'J19: accepts an array with the audience', claims: { ...base, aud: ['api'] } },
    {
      name: 'J19: accepts any one of several configured audiences',
      claims: { ...base, aud: 'api2' },
      options: { audience: ['api', 'api2'] },
    },
    {
      name: 'J19: rejects ["other"]',
      claims: { ...base, aud: ['other'] },
      error: claimInvalid('aud', 'mismatch'),
    },
    { name: 'J19: accepts ["api","evil"] for an access token', claims: { ...base, aud: ['api', 'evil'] } },
    {
      name: 'J19: rejects ["api","evil"] for an ID token',
      claims: { ...base, aud: ['client-1', 'evil'], azp: 'client-1' },
      options: idToken,
      error: claimInvalid('aud', 'untrusted'),
    },
    { name: 'J19: rejects []', claims: { ...base, aud: [] }, error: claimInvalid('aud', 'empty') },
    { name: 'J19: rejects a nested array', claims: { ...base, aud: [['api']] }, error: invalid('aud') },
    { name: 'J19: rejects non-string elements', claims: { ...base, aud: ['api', 7] }, error: invalid('aud') },
    {
      name: 'J19: rejects a prefix match',
      claims: { ...base, aud: 'ap' },
      error: claimInvalid('aud', 'mismatch'),
    },
    {
      name: 'J19: rejects an extension of the audience',
      claims: { ...base, aud: 'api-evil' },
      error: claimInvalid('aud', 'mismatch'),
    },
    {
      name: 'J19: rejects a missing aud',
      claims: { ...base, aud: undefined },
      error: claimInvalid('aud', 'missing'),
    },
  ]);
});

describe('J20: azp must name our client', () => {
  const idToken = { idToken: true, audience: ['client-1', 'client-2'], authorizedParty: 'client-1' } as const;
  run([
    {
      name: 'J20: accepts azp equal to our client_id',
      claims: { ...base, aud: 'client-1', azp: 'client-1' },
      options: idToken,
    },
    {
      name: 'J20: rejects azp naming another client',
      claims: { ...base, aud: 'client-1', azp: 'client-2' },
      options: idToken,
      error: claimInvalid('azp', 'mismatch'),
    },
    {
      name: 'J20: rejects several audiences with no azp in an ID token',
      claims: { ...base, aud: ['client-1', 'client-2'] },
      options: idToken,
      error: claimInvalid('azp', 'missing'),
    },
    {
      name: 'J20: accepts several trusted audiences with our azp',
      claims: { ...base, aud: ['client-1', 'client-2'], azp: 'client-1' },
      options: idToken,
    },
    {
      name: 'J20: checks azp on access tokens too when authorizedParty is set',
      claims: { ...base, azp: 'other' },
      options: { authorizedParty: 'client-1' },
      error: claimInvalid('azp', 'mismatch'),
    },
    { name: 'J20: rejects a non-string azp', claims: { ...base, azp: 1 }, error: invalid('azp') },
  ]);
});

describe('J21: token types are mutually exclusive', () => {
  const at = { typ: 'at+jwt' };
  run([
    { name: 'J21: accepts at+jwt where at+jwt is required', header: { typ: 'at+jwt' }, options: at },
    {
      name: 'J21: accepts application/AT+JWT where at+jwt is required',
      header: { typ: 'application/AT+JWT' },
      options: at,
    },
    {
      name: 'J21: rejects an ID token without typ where at+jwt is required',
      options: at,
      error: claimInvalid('typ', 'missing'),
    },
    {
      name: 'J21: rejects an ID token with typ JWT where at+jwt is required',
      header: { typ: 'JWT' },
      options: at,
      error: claimInvalid('typ', 'mismatch'),
    },
    {
      name: 'J21: rejects at+jwt where an ID token is expected',
      header: { typ: 'at+jwt' },
      options: { idToken: true },
      error: claimInvalid('typ', 'mismatch'),
    },
    { name: 'J21: accepts typ JWT for an ID token', header: { typ: 'JWT' }, options: { idToken: true } },
    {
      name: 'J21: rejects logout+jwt where at+jwt is required',
      header: { typ: 'logout+jwt' },
      options: at,
      error: claimInvalid('typ', 'mismatch'),
    },
    {
      name: 'J21: rejects logout+jwt for an ID token',
      header: { typ: 'logout+jwt' },
      options: { idToken: true },
      error: claimInvalid('typ', 'mismatch'),
    },
    {
      name: 'J21: rejects logout+jwt when no typ is configured',
      header: { typ: 'logout+jwt' },
      error: claimInvalid('typ', 'mismatch'),
    },
    {
      name: 'J21: accepts logout+jwt where it is required',
      header: { typ: 'logout+jwt' },
      options: { typ: 'logout+jwt' },
    },
    {
      name: 'J21: rejects a non-string typ',
      header: { typ: 1 as unknown as string },
      error: claimInvalid('typ', 'type'),
    },
  ]);
});

describe('other claims', () => {
  run([
    {
      name: 'requiredClaims rejects a token without the claim',
      options: { requiredClaims: ['jti'] },
      error: claimInvalid('jti', 'missing'),
    },
    {
      name: 'requiredClaims accepts a token with the claim',
      claims: { ...base, jti: 'x' },
      options: { requiredClaims: ['jti'] },
    },
    {
      name: 'a payload that is an array is invalid',
      claims: [] as unknown as Record<string, unknown>,
      error: { code: 'ERR_JWT_INVALID' },
    },
    { name: 'sub must be a string', claims: { ...base, sub: 5 }, error: invalid('sub') },
    {
      name: 'auth_time must be a NumericDate',
      claims: { ...base, auth_time: '5' },
      error: invalid('auth_time'),
    },
    {
      name: 'issuer and audience are optional',
      options: { issuer: undefined, audience: undefined },
      claims: { exp: NOW + 1 },
    },
  ]);
});

test('options are checked at once with a TypeError naming the option', () => {
  const bad: [ClaimsValidationOptions, string][] = [
    [{ clockTolerance: '5 minutes' }, 'clockTolerance'],
    [{ maxTokenAge: -1 }, 'maxTokenAge'],
    [{ audience: [] }, 'audience'],
    [{ audience: [''] }, 'audience'],
    [{ issuer: '' }, 'issuer'],
    [{ typ: 5 as unknown as string }, 'typ'],
    [{ requiredClaims: 'exp' as unknown as string[] }, 'requiredClaims'],
  ];
  for (const [options, name] of bad) {
    assert.throws(
      () => validateClaims(header, base, options),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(name),
      name,
    );
  }
});
