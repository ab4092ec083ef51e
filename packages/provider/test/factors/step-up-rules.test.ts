import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextStep } from '../../src/authorization/next-step.js';
import type { AuthorizationRequest } from '../../src/authorization/request.js';
import { ACR, acrOf, amrOf } from '../../src/login/factors/acr.js';
import { acrRequirement } from '../../src/login/factors/policy.js';
import type { SessionRecord } from '../../src/store/types.js';

const NOW = 1_800_000_000;

const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  clientId: 'app',
  redirectUri: 'https://app.example.com/cb',
  responseMode: 'query',
  state: undefined,
  scopes: ['openid'],
  nonce: undefined,
  codeChallenge: 'x'.repeat(43),
  prompt: [],
  maxAge: undefined,
  idTokenHintSub: undefined,
  loginHint: undefined,
  acrValues: [],
  display: 'page',
  uiLocales: [],
  claimsLocales: [],
  claims: undefined,
  ...overrides,
});

const session = (amr: string[], authTime = NOW - 100): SessionRecord => ({
  idHash: 'h',
  sid: 'sid',
  userId: 'alice',
  authTime,
  amr,
  acr: acrOf(amr),
  createdAt: authTime,
  lastSeenAt: authTime,
  expiresAt: NOW + 3600,
  endedAt: null,
});

const essentialAcr = (value: string) => JSON.stringify({ id_token: { acr: { essential: true, value } } });

function decide(
  req: Partial<AuthorizationRequest>,
  amr: string[] | undefined,
  enrolled: string[],
  mfa: 'optional' | 'required' = 'optional',
  pending?: string[],
) {
  const authorization = request(req);
  return nextStep({
    request: authorization,
    session: amr === undefined ? undefined : session(amr),
    consentedScopes: ['openid'],
    now: NOW,
    justAuthenticated: pending !== undefined,
    ...(pending === undefined ? {} : { pending: { userId: 'alice', amr: pending } }),
    requirement: acrRequirement({ acrValues: authorization.acrValues, claims: authorization.claims, mfa }),
    enrolled,
  });
}

test('amr and acr are computed from the factors actually used (RFC 8176)', () => {
  assert.deepEqual(amrOf(['pwd']), ['pwd']);
  assert.deepEqual(amrOf(['pwd', 'otp']), ['pwd', 'otp', 'mfa']);
  assert.deepEqual(amrOf(['pwd', 'otp', 'mfa', 'otp']), ['pwd', 'otp', 'mfa']);
  assert.equal(acrOf(['pwd']), ACR.pwd);
  assert.equal(acrOf(['pwd', 'otp', 'mfa']), ACR.mfa);
  assert.equal(acrOf(['otp']), ACR.pwd);
  assert.equal(acrOf(['hwk', 'user']), ACR.phr);
  assert.equal(acrOf([]), null);
});

const cases: {
  name: string;
  req?: Partial<AuthorizationRequest>;
  amr?: string[];
  enrolled?: string[];
  mfa?: 'optional' | 'required';
  pending?: string[];
  expect: string;
}[] = [
  { name: 'a password session meets a request that asks nothing', amr: ['pwd'], expect: 'issue' },
  {
    name: 'a session of a user with an app but only a password asks for the second factor only',
    amr: ['pwd'],
    enrolled: ['otp'],
    expect: 'second-factor',
  },
  {
    name: 'acr_values mfa steps a password session up when the user has a factor',
    req: { acrValues: [ACR.mfa] },
    amr: ['pwd'],
    enrolled: ['otp'],
    expect: 'second-factor',
  },
  {
    name: 'voluntary acr_values the user cannot reach are let go (the token says pwd)',
    req: { acrValues: [ACR.mfa] },
    amr: ['pwd'],
    expect: 'issue',
  },
  {
    name: 'F4: an essential mfa the user cannot reach is an error, never a weaker token',
    req: { claims: essentialAcr(ACR.mfa) },
    amr: ['pwd'],
    expect: 'error:unmet_authentication_requirements',
  },
  {
    name: 'F4: an essential acr that no factor of this provider gives is an error',
    req: { claims: essentialAcr('urn:example:unknown') },
    amr: ['pwd', 'otp', 'mfa'],
    enrolled: ['otp'],
    expect: 'error:unmet_authentication_requirements',
  },
  {
    name: 'F4: an essential mfa met by the session is issued',
    req: { claims: essentialAcr(ACR.mfa) },
    amr: ['pwd', 'otp', 'mfa'],
    enrolled: ['otp'],
    expect: 'issue',
  },
  {
    name: 'F4: max_age=0 with a second factor asks for a fresh second factor, not the password',
    req: { maxAge: 0, acrValues: [ACR.mfa] },
    amr: ['pwd', 'otp', 'mfa'],
    enrolled: ['otp'],
    expect: 'second-factor',
  },
  {
    name: 'max_age=0 without a second factor asks for the password',
    req: { maxAge: 0 },
    amr: ['pwd'],
    expect: 'login',
  },
  {
    name: 'prompt=none with a missing factor is login_required',
    req: { prompt: ['none'], acrValues: [ACR.mfa] },
    amr: ['pwd'],
    enrolled: ['otp'],
    expect: 'error:login_required',
  },
  {
    name: 'mfa required by the client and no factor enrolled sends the user to enrol',
    amr: ['pwd'],
    mfa: 'required',
    expect: 'enrol',
  },
  {
    name: 'after the password, a user with a factor is asked for it before any session',
    pending: ['pwd'],
    enrolled: ['otp'],
    expect: 'second-factor',
  },
  {
    name: 'after the password and the code, the session starts',
    pending: ['pwd', 'otp'],
    enrolled: ['otp'],
    expect: 'start-session',
  },
  {
    name: 'F4: essential phr with only an app enrolled is an error after the password',
    req: { claims: essentialAcr(ACR.phr) },
    pending: ['pwd'],
    enrolled: ['otp'],
    expect: 'error:unmet_authentication_requirements',
  },
];

for (const c of cases) {
  test(c.name, () => {
    const next = decide(c.req ?? {}, c.amr, c.enrolled ?? [], c.mfa, c.pending);
    const got = next.step === 'error' ? `error:${next.error.error}` : next.step;
    assert.equal(got, c.expect);
  });
}
