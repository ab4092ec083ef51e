import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  hiddenInput,
  PASSWORD,
  pkcePair,
  REDIRECT_URI,
  responseParams,
} from '../authorize/harness.js';

const MFA = 'urn:latchkey:acr:mfa';
let h: Harness;
let seed: string;
let recoveryCodes: string[];

/** Signs in on /account with the password, as alice. */
async function accountSignIn(browser: Browser): Promise<void> {
  const page = await browser.get('/account');
  const response = await browser.post('/account/sign-in', {
    csrf_token: hiddenInput(page.body, 'csrf_token'),
    username: 'alice',
    password: PASSWORD,
  });
  assert.equal(response.statusCode, 303);
}

const code = (at = h.clock.now()) => generate({ secret: seed, epoch: at });

/** The second-factor page a response leads to (a 303 to /login/second-factor), followed. */
async function secondFactorForm(browser: Browser, response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 303, response.body);
  assert.match(String(response.headers.location), /^\/login\/second-factor\?/);
  const page = await browser.follow(response);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /autocomplete="one-time-code"/);
  return page;
}

function submitCode(browser: Browser, page: LightMyRequestResponse, value: string) {
  return browser.post('/login/second-factor', {
    interaction: hiddenInput(page.body, 'interaction'),
    csrf_token: hiddenInput(page.body, 'csrf_token'),
    code: value,
  });
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

/** Redeems a code of the public client `spa` and returns the ID token's claims. */
async function idTokenClaims(location: string, verifier: string) {
  const params = responseParams(location);
  const response = await h.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: 'spa',
      code_verifier: verifier,
    }).toString(),
  });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json() as { id_token: string; access_token: string };
  return { id: claimsOf(body.id_token), access: claimsOf(body.access_token) };
}

before(async () => {
  h = await createHarness();
  await createClient(h.stores, { name: 'SPA', clientId: 'spa', public: true, redirectUris: [REDIRECT_URI] });
  await h.stores.consents.grant(h.userId, 'spa', ['openid'], h.clock.now());
  // Enrol through the account page, as a person would.
  const browser = new Browser(h.app);
  await accountSignIn(browser);
  const start = await browser.get('/account');
  await browser.post('/account/factors/totp/begin', { csrf_token: hiddenInput(start.body, 'csrf_token') });
  const pending = await browser.get('/account');
  assert.match(pending.body, /<svg/, 'the QR code is rendered server-side, inline');
  seed = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(pending.body)![1]!.replaceAll(' ', '');
  const confirmed = await browser.post('/account/factors/totp/confirm', {
    csrf_token: hiddenInput(pending.body, 'csrf_token'),
    code: await code(),
  });
  assert.equal(confirmed.statusCode, 200, confirmed.body);
  recoveryCodes = [...confirmed.body.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(recoveryCodes.length, 10);
  h.clock.advance(60);
});

after(() => h.close());

test('F3: the TOTP seed is sealed at rest, never stored in clear', async () => {
  const totp = await h.stores.factors.getTotp(h.userId);
  assert.ok(totp?.confirmedAt);
  assert.ok(!totp.sealedSeed.includes(seed));
  assert.match(totp.sealedSeed, /^v1\./);
});

test('a user with an authenticator app is asked for a code after the password, and only then signed in', async () => {
  const browser = new Browser(h.app);
  const { verifier, challenge } = pkcePair();
  const params = authorizeParams({ client_id: 'spa', scope: 'openid', code_challenge: challenge });
  const login = await browser.loginForm(await browser.authorize(params));
  const afterPassword = await browser.submitLogin(login!, 'alice', PASSWORD);
  assert.equal(
    [...browser.cookies.keys()].some((name) => name.includes('latchkey-session')),
    false,
    'no session before the second factor',
  );
  const page = await secondFactorForm(browser, afterPassword);
  const done = await submitCode(browser, page, await code());
  const location = String(done.headers.location);
  assert.ok(location.startsWith(REDIRECT_URI), location);
  const { id, access } = await idTokenClaims(location, verifier);
  assert.equal(id.acr, MFA);
  assert.deepEqual(id.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(id.auth_time, h.clock.now());
  assert.equal(access.acr, MFA);
  h.clock.advance(60);
});

test('F1: a code already used in its step is refused (replay)', async () => {
  const used = await code();
  const first = new Browser(h.app);
  const params = authorizeParams({ client_id: 'spa', scope: 'openid' });
  const page1 = await secondFactorForm(
    first,
    await first.submitLogin((await first.loginForm(await first.authorize(params)))!, 'alice', PASSWORD),
  );
  assert.equal((await submitCode(first, page1, used)).statusCode, 303);
  const second = new Browser(h.app);
  const page2 = await secondFactorForm(
    second,
    await second.submitLogin((await second.loginForm(await second.authorize(params)))!, 'alice', PASSWORD),
  );
  const replay = await submitCode(second, page2, used);
  assert.equal(replay.statusCode, 400);
  assert.match(replay.body, /not correct, or was already used/);
  h.clock.advance(60);
});

test('F1: of parallel uses of one code exactly one is accepted', async () => {
  const step = Math.floor(h.clock.now() / 30);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => h.stores.factors.useTotpStep(h.userId, step)),
  );
  assert.equal(results.filter(Boolean).length, 1);
  h.clock.advance(60);
});

test('step-up: acr_values=mfa with max_age=0 asks a signed-in user for the second factor only', async () => {
  const browser = new Browser(h.app);
  const first = await browser.signIn(authorizeParams({ client_id: 'spa', scope: 'openid' }));
  // This browser's sign-in needed the code too; finish it.
  const page = await secondFactorForm(browser, first);
  assert.equal((await submitCode(browser, page, await code())).statusCode, 303);
  h.clock.advance(600);
  const { verifier, challenge } = pkcePair();
  const stepUp = await browser.authorize(
    authorizeParams({
      client_id: 'spa',
      scope: 'openid',
      code_challenge: challenge,
      acr_values: MFA,
      max_age: '0',
    }),
  );
  // No password form: straight to the code.
  const codePage = await secondFactorForm(browser, stepUp);
  const done = await submitCode(browser, codePage, await code());
  const { id } = await idTokenClaims(String(done.headers.location), verifier);
  assert.equal(id.acr, MFA);
  assert.deepEqual(id.amr, ['pwd', 'otp', 'mfa']);
  assert.equal(id.auth_time, h.clock.now(), 'auth_time is the fresh authentication');
  h.clock.advance(60);
});

test('F4: an essential acr the user cannot meet is an error to the client, never a weaker token', async () => {
  const browser = new Browser(h.app);
  const claims = JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:latchkey:acr:phr' } } });
  const params = authorizeParams({ client_id: 'spa', scope: 'openid', claims });
  const login = await browser.loginForm(await browser.authorize(params));
  const refused = await browser.submitLogin(login!, 'alice', PASSWORD);
  const location = String(refused.headers.location);
  assert.ok(location.startsWith(REDIRECT_URI), location);
  assert.equal(responseParams(location).get('error'), 'unmet_authentication_requirements');
  assert.equal(responseParams(location).get('code'), null);
});

test('L1: many parallel wrong codes are throttled per user; at most the free allowance is checked', async () => {
  const browser = new Browser(h.app);
  const params = authorizeParams({ client_id: 'spa', scope: 'openid' });
  const page = await secondFactorForm(
    browser,
    await browser.submitLogin((await browser.loginForm(await browser.authorize(params)))!, 'alice', PASSWORD),
  );
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => submitCode(browser, page, String(100000 + i))),
  );
  const checked = answers.filter((a) => a.statusCode === 400).length;
  const throttled = answers.filter((a) => a.statusCode === 429).length;
  assert.ok(checked <= 5, `checked ${checked}`);
  assert.equal(checked + throttled, 30);
  // Even the right code waits now.
  assert.equal((await submitCode(browser, page, await code())).statusCode, 429);
  h.clock.advance(3600);
});

test('F3: a recovery code signs in once; of 20 parallel uses exactly one wins; the account page tells', async () => {
  const [recovery] = recoveryCodes;
  const browser = new Browser(h.app);
  const params = authorizeParams({ client_id: 'spa', scope: 'openid' });
  const page = await secondFactorForm(
    browser,
    await browser.submitLogin((await browser.loginForm(await browser.authorize(params)))!, 'alice', PASSWORD),
  );
  const answers = await Promise.all(Array.from({ length: 20 }, () => submitCode(browser, page, recovery!)));
  assert.equal(answers.filter((a) => a.statusCode === 303).length, 1);
  const events = await h.stores.audit.list({ limit: 50, type: 'recovery_code.used' });
  assert.equal(events.length, 1);
  const account = await browser.get('/account');
  assert.match(account.body, /Recovery codes: 9 of 10 left/);
  assert.match(account.body, /A recovery code was used to sign in/);
});

test('the account page asks an enrolled user for the second factor too; the password alone signs nobody in', async () => {
  h.clock.advance(3600);
  const browser = new Browser(h.app);
  const page = await browser.get('/account');
  const afterPassword = await browser.post('/account/sign-in', {
    csrf_token: hiddenInput(page.body, 'csrf_token'),
    username: 'alice',
    password: PASSWORD,
  });
  assert.equal(afterPassword.statusCode, 200);
  assert.match(afterPassword.body, /action="\/account\/sign-in\/second-factor"/);
  assert.equal(
    [...browser.cookies.keys()].some((n) => n.includes('latchkey-session')),
    false,
  );
  const wrong = await browser.post('/account/sign-in/second-factor', {
    interaction: hiddenInput(afterPassword.body, 'interaction'),
    csrf_token: hiddenInput(afterPassword.body, 'csrf_token'),
    code: '000000',
  });
  assert.equal(wrong.statusCode, 400);
  const done = await browser.post('/account/sign-in/second-factor', {
    interaction: hiddenInput(afterPassword.body, 'interaction'),
    csrf_token: hiddenInput(afterPassword.body, 'csrf_token'),
    code: await code(),
  });
  assert.equal(done.statusCode, 303);
  const account = await browser.get('/account');
  assert.match(account.body, /Authenticator app: <strong>on<\/strong>/);
});
