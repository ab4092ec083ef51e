import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextStep } from '../../src/authorization/next-step.js';
import type { AuthorizationRequest, Prompt } from '../../src/authorization/request.js';
import type { SessionRecord } from '../../src/store/types.js';

const NOW = 1_800_000_000;

const request = (overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  clientId: 'app',
  redirectUri: 'https://app.example.com/cb',
  responseMode: 'query',
  state: undefined,
  scopes: ['openid', 'profile'],
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

const session = (authTime = NOW - 100): SessionRecord => ({
  idHash: 'h',
  sid: 'sid',
  userId: 'alice',
  authTime,
  amr: ['pwd'],
  acr: null,
  createdAt: authTime,
  lastSeenAt: authTime,
  expiresAt: NOW + 3600,
  endedAt: null,
});

const ALL = ['openid', 'profile'];

const cases: {
  name: string;
  request?: Partial<AuthorizationRequest>;
  session?: SessionRecord | undefined;
  consented?: string[] | undefined;
  namedClaims?: string[];
  consentedClaims?: string[];
  justAuthenticated?: boolean;
  expected: string;
}[] = [
  { name: 'no session → login', session: undefined, expected: 'login' },
  {
    name: 'no session, prompt=none → login_required',
    session: undefined,
    request: { prompt: ['none'] },
    expected: 'login_required',
  },
  { name: 'session, no consent → consent', session: session(), consented: undefined, expected: 'consent' },
  {
    name: 'session, consent for fewer scopes → consent',
    session: session(),
    consented: ['openid'],
    expected: 'consent',
  },
  { name: 'session and consent → issue', session: session(), consented: ALL, expected: 'issue' },
  {
    name: 'session, no consent, prompt=none → consent_required',
    session: session(),
    request: { prompt: ['none'] },
    expected: 'consent_required',
  },
  {
    name: 'session and consent, prompt=none → issue',
    session: session(),
    consented: ALL,
    request: { prompt: ['none'] },
    expected: 'issue',
  },
  {
    name: 'prompt=consent → consent even when remembered',
    session: session(),
    consented: ALL,
    request: { prompt: ['consent'] },
    expected: 'consent',
  },
  {
    name: 'prompt=login → login',
    session: session(),
    consented: ALL,
    request: { prompt: ['login'] },
    expected: 'login',
  },
  {
    name: 'prompt=select_account → login',
    session: session(),
    consented: ALL,
    request: { prompt: ['select_account' as Prompt] },
    expected: 'login',
  },
  {
    name: 'prompt=login right after signing in → issue',
    session: session(NOW),
    consented: ALL,
    request: { prompt: ['login'] },
    justAuthenticated: true,
    expected: 'issue',
  },
  {
    name: 'max_age not yet elapsed → issue',
    session: session(NOW - 100),
    consented: ALL,
    request: { maxAge: 100 },
    expected: 'issue',
  },
  {
    name: 'max_age elapsed → login',
    session: session(NOW - 101),
    consented: ALL,
    request: { maxAge: 100 },
    expected: 'login',
  },
  {
    name: 'max_age=0 → login even in the same second',
    session: session(NOW),
    consented: ALL,
    request: { maxAge: 0 },
    expected: 'login',
  },
  {
    name: 'max_age elapsed with prompt=none → login_required',
    session: session(NOW - 101),
    consented: ALL,
    request: { maxAge: 100, prompt: ['none'] },
    expected: 'login_required',
  },
  {
    name: 'id_token_hint of the session user → issue',
    session: session(),
    consented: ALL,
    request: { idTokenHintSub: 'alice' },
    expected: 'issue',
  },
  {
    name: 'id_token_hint of someone else → login',
    session: session(),
    consented: ALL,
    request: { idTokenHintSub: 'bob' },
    expected: 'login',
  },
  {
    name: 'id_token_hint of someone else, prompt=none → login_required',
    session: session(),
    consented: ALL,
    request: { idTokenHintSub: 'bob', prompt: ['none'] },
    expected: 'login_required',
  },
  {
    name: 'signed in just now as someone other than the hint → login_required',
    session: session(NOW),
    consented: ALL,
    request: { idTokenHintSub: 'bob' },
    justAuthenticated: true,
    expected: 'login_required',
  },
  {
    name: 'scopes consented, a claim asked for by name never consented → consent',
    session: session(),
    consented: ALL,
    namedClaims: ['email'],
    expected: 'consent',
  },
  {
    name: 'scopes consented, a claim asked for by name never consented, prompt=none → consent_required',
    session: session(),
    consented: ALL,
    namedClaims: ['email'],
    request: { prompt: ['none'] },
    expected: 'consent_required',
  },
  {
    name: 'scopes and the claims asked for by name consented, prompt=none → issue',
    session: session(),
    consented: ALL,
    namedClaims: ['email'],
    consentedClaims: ['email'],
    request: { prompt: ['none'] },
    expected: 'issue',
  },
];

for (const c of cases) {
  test(`next step: ${c.name}`, () => {
    const next = nextStep({
      request: request(c.request),
      session: 'session' in c ? c.session : undefined,
      consentedScopes: c.consented,
      namedClaims: c.namedClaims ?? [],
      consentedClaims: new Set(c.consentedClaims ?? []),
      now: NOW,
      justAuthenticated: c.justAuthenticated ?? false,
    });
    assert.equal(next.step === 'error' ? next.error.error : next.step, c.expected);
  });
}
