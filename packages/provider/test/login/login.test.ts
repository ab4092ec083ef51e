import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { createUser, disableUser } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { createMemoryRateLimiter } from '../../src/login/rate-limiter.js';
import { sha256 } from '../../src/sessions/hash.js';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  hiddenInput,
  PASSWORD,
  responseParams,
} from '../authorize/harness.js';
import { assertBackoff, BACKOFF_UNDER_TEST } from '../helpers/backoff.js';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

async function loginPage(browser: Browser, overrides: Record<string, string | undefined> = {}) {
  // Sign-in is the first step: /authorize answers with the form itself, no redirect to /login.
  const page = await browser.authorize(authorizeParams(overrides));
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers.location, undefined);
  return page;
}

/** A page body without the values that are random per render (sealed interaction, CSRF token). */
const stable = (response: LightMyRequestResponse) =>
  response.body
    .replace(/name="(interaction|csrf_token)" value="[^"]*"/g, 'name="$1" value=""')
    // The passkey button's challenge is fresh on every page.
    .replace(/data-(options|state)="[^"]*"/g, 'data-$1=""');

describe('the login form', () => {
  test('is the standard form password managers and scripts understand', async () => {
    const page = await loginPage(new Browser(h.app));
    assert.match(page.body, /<form method="post" action="\/login">/);
    // `webauthn`: the username field's autofill also offers passkeys (conditional mediation).
    assert.match(
      page.body,
      /<input id="username" name="username" type="text" autocomplete="username webauthn"/,
    );
    assert.match(
      page.body,
      /<input id="password" name="password" type="password" autocomplete="current-password"/,
    );
    assert.match(page.body, /<button type="submit"/);
    assert.match(page.body, /<label for="username">/);
    assert.match(page.body, /<label for="password">/);
    assert.match(page.body, /<html lang="en">/);
    assert.match(page.body, /<h1 id="page-title">Sign in<\/h1>/);
    assert.match(page.body, /Example App/);
  });

  test('a wrong password shows the form again with an error tied to the inputs by aria-describedby', async () => {
    const browser = new Browser(h.app);
    const response = await browser.submitLogin(await loginPage(browser), 'alice', 'wrong password!!');
    assert.equal(response.statusCode, 400);
    assert.match(
      response.body,
      /<p class="alert" id="login-error" role="alert">Incorrect username or password.<\/p>/,
    );
    assert.match(response.body, /name="password"[^>]*aria-describedby="login-error" aria-invalid="true"/);
    assert.match(response.body, /name="username"[^>]*value="alice"/);
  });

  test('signing in audits sign_in.success; a failure audits sign_in.failure, never the password', async () => {
    const browser = new Browser(h.app);
    await browser.submitLogin(await loginPage(browser), 'alice', 'Not-The-Password-1');
    const ok = await browser.submitLogin(await loginPage(browser), 'alice', PASSWORD);
    assert.equal(ok.statusCode, 303);
    const events = await h.stores.audit.list({ limit: 10 });
    const success = events.find((e) => e.type === 'sign_in.success');
    const failure = events.find((e) => e.type === 'sign_in.failure');
    assert.equal(success?.userId, h.userId);
    assert.equal(failure?.details?.['reason'], 'invalid_credentials');
    assert.doesNotMatch(JSON.stringify(events), /Not-The-Password-1|correct horse/);
  });

  test('a disabled user cannot sign in, and gets the same answer as a wrong password', async () => {
    await createUser(h.stores, { username: 'bob', password: 'bobs password 1' });
    await disableUser(h.stores, 'bob');
    const browser = new Browser(h.app);
    const response = await browser.submitLogin(await loginPage(browser), 'bob', 'bobs password 1');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Incorrect username or password/);
  });

  test('GET /authorize shows the form with one browser cookie, the one its CSRF token is bound to', async () => {
    const browser = new Browser(h.app);
    const page = await loginPage(browser);
    const setCookies = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
    assert.equal(setCookies.filter((line) => line.startsWith('latchkey-browser=')).length, 1);
    const response = await browser.submitLogin(page, 'alice', PASSWORD);
    assert.equal(response.statusCode, 303);
    assert.ok(browser.cookies.has('latchkey-session'));
  });

  test('a POSTed authorization request is redirected to GET /login (303), so its form is never replayed', async () => {
    const browser = new Browser(h.app);
    const started = await browser.post('/authorize', Object.fromEntries(authorizeParams()));
    assert.equal(started.statusCode, 303);
    assert.match(String(started.headers.location), /^\/login\?interaction=/);
    const page = await browser.follow(started);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post" action="\/login">/);
    assert.equal((await browser.submitLogin(page, 'alice', PASSWORD)).statusCode, 303);
  });

  test('GET /login never signs anyone in: credentials in the query are ignored (POST only)', async () => {
    const browser = new Browser(h.app);
    const page = await loginPage(browser);
    const interaction = hiddenInput(page.body, 'interaction');
    const response = await browser.get(
      `/login?interaction=${interaction}&username=alice&password=${encodeURIComponent(PASSWORD)}`,
    );
    assert.equal(response.statusCode, 200);
    assert.equal(browser.cookies.has('latchkey-session'), false);
  });

  test('an interaction opened in another browser is refused', async () => {
    const page = await loginPage(new Browser(h.app));
    const other = new Browser(h.app);
    await other.get('/authorize'); // gets nothing useful, just no matching cookie
    const response = await other.get(`/login?interaction=${hiddenInput(page.body, 'interaction')}`);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /another browser/);
  });

  test('an expired or altered interaction is refused', async () => {
    const browser = new Browser(h.app);
    const page = await loginPage(browser);
    const interaction = hiddenInput(page.body, 'interaction');
    const altered = `${interaction.slice(0, 40)}${interaction[40] === 'A' ? 'B' : 'A'}${interaction.slice(41)}`;
    assert.equal((await browser.get(`/login?interaction=${altered}`)).statusCode, 400);
    h.clock.advance(16 * 60);
    assert.equal((await browser.get(`/login?interaction=${interaction}`)).statusCode, 400);
  });
});

describe('checklist rows', () => {
  test('S1: failures per account earn a growing wait (429 with Retry-After) and never a permanent lockout', async () => {
    await createUser(h.stores, { username: 'carol', password: 'carols password 1' });
    const browser = new Browser(h.app, { 'x-test': 's1' });
    const attempt = async (password: string) =>
      browser.submitLogin(await loginPage(browser), 'carol', password);
    for (let i = 0; i < 5; i++) assert.equal((await attempt('wrong password!')).statusCode, 400);
    const throttled = await attempt('carols password 1');
    assert.equal(throttled.statusCode, 429, 'after 5 failures even the right password waits');
    assert.equal(throttled.headers['retry-after'], '1');
    assert.match(throttled.body, /Too many failed attempts/);
    h.clock.advance(1);
    assert.equal((await attempt('wrong password!')).statusCode, 400);
    assert.equal((await attempt('carols password 1')).headers['retry-after'], '2', 'the wait doubles');
    h.clock.advance(2);
    const after = await attempt('carols password 1');
    assert.equal(after.statusCode, 303, 'after the wait the right password works: no lockout');
  });

  test('S1: failures from one address across many accounts are throttled per IP too', async () => {
    const browser = new Browser(h.app);
    for (let i = 0; i < 20; i++) {
      assert.equal(
        (await browser.submitLogin(await loginPage(browser), `user${i}`, 'guess guess')).statusCode,
        400,
      );
    }
    const throttled = await browser.submitLogin(await loginPage(browser), 'alice', PASSWORD);
    assert.equal(throttled.statusCode, 429);
    const elsewhere = new Browser(h.app);
    assert.equal(
      (await elsewhere.submitLogin(await loginPage(elsewhere), 'alice', PASSWORD)).statusCode,
      303,
    );
  });

  test('S1: the limiter doubles the wait per failure, caps it, and forgets after a quiet hour', async () => {
    await assertBackoff(createMemoryRateLimiter(BACKOFF_UNDER_TEST));
  });

  test('S1: the limiter keeps bounded memory', async () => {
    const limiter = createMemoryRateLimiter(
      { freeFailures: 0, baseDelay: 10, maxDelay: 10, forgetAfter: 3600 },
      3,
    );
    for (const key of ['a', 'b', 'c', 'd']) assert.equal((await limiter.reserve(key, 0)).reserved, true);
    assert.equal((await limiter.reserve('a', 1)).reserved, true, 'the oldest entry was dropped');
    assert.equal((await limiter.reserve('d', 1)).reserved, false);
  });

  test('S2: an unknown user and a wrong password get the same status, page and timing', async () => {
    const browser = new Browser(h.app, { 'x-forwarded-for': 's2' });
    const timed = async (username: string) => {
      const page = await loginPage(browser);
      const start = performance.now();
      const response = await browser.submitLogin(page, username, 'wrong password 2');
      return { response, ms: performance.now() - start };
    };
    const best = async (username: string) => {
      const runs = [await timed(username), await timed(username), await timed(username)];
      return { response: runs[0]!.response, ms: Math.min(...runs.map((r) => r.ms)) };
    };
    const unknown = await best('nobody-here');
    const wrong = await best('alice');
    assert.equal(unknown.response.statusCode, wrong.response.statusCode);
    assert.equal(
      stable(unknown.response).replace('value="nobody-here"', 'value="X"'),
      stable(wrong.response).replace('value="alice"', 'value="X"'),
    );
    const ratio = Math.max(unknown.ms, wrong.ms) / Math.min(unknown.ms, wrong.ms);
    assert.ok(ratio < 3, `timings ${unknown.ms.toFixed(1)} ms vs ${wrong.ms.toFixed(1)} ms`);
  });

  test('S3: signing in always starts a new session id, and the one the browser had is ended', async () => {
    const browser = new Browser(h.app);
    await browser.signIn(authorizeParams());
    const first = browser.cookies.get('latchkey-session');
    assert.ok(first);
    h.clock.advance(1);
    await browser.signIn(authorizeParams({ prompt: 'login' }));
    const second = browser.cookies.get('latchkey-session');
    assert.ok(second);
    assert.notEqual(second, first);
    assert.equal(await h.stores.sessions.get(sha256(first), h.clock.now()), undefined);
    const live = await h.stores.sessions.get(sha256(second), h.clock.now());
    assert.equal(live?.userId, h.userId);
    assert.deepEqual(live?.amr, ['pwd']);
  });

  test('S3: a session id planted in the browser before sign-in is not the one used after', async () => {
    const browser = new Browser(h.app);
    browser.cookies.set('latchkey-session', 'planted-by-attacker-aaaaaaaaaaaaaaaaaaaaaaa');
    await browser.signIn(authorizeParams());
    assert.notEqual(browser.cookies.get('latchkey-session'), 'planted-by-attacker-aaaaaaaaaaaaaaaaaaaaaaa');
  });

  const csrfCases: [
    string,
    (form: Record<string, string>) => Record<string, string>,
    Record<string, string>,
  ][] = [
    ['no CSRF token', ({ csrf_token: _, ...rest }) => rest, {}],
    ['a CSRF token of another browser', (form) => ({ ...form, csrf_token: 'A'.repeat(43) }), {}],
    ['an Origin of another site', (form) => form, { origin: 'https://evil.example.com' }],
    ['Sec-Fetch-Site: cross-site', (form) => form, { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', (form) => form, { 'sec-fetch-site': 'same-site' }],
    ['Origin: null without Sec-Fetch-Site', (form) => form, { origin: 'null' }],
  ];
  for (const [name, change, headers] of csrfCases) {
    test(`S4: a login POST with ${name} is refused (403) and signs nobody in`, async () => {
      const browser = new Browser(h.app);
      const page = await loginPage(browser);
      const form = change({
        interaction: hiddenInput(page.body, 'interaction'),
        csrf_token: hiddenInput(page.body, 'csrf_token'),
        username: 'alice',
        password: PASSWORD,
      });
      const response = await browser.post('/login', form, headers);
      assert.equal(response.statusCode, 403);
      assert.equal(browser.cookies.has('latchkey-session'), false);
    });
  }

  test('S4: a same-origin POST passes: Origin equal to the issuer, or null with Sec-Fetch-Site same-origin', async () => {
    for (const headers of [
      { origin: new URL(h.config.issuer).origin, 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    ]) {
      const browser = new Browser(h.app);
      const response = await browser.submitLogin(await loginPage(browser), 'alice', PASSWORD, headers);
      assert.equal(response.statusCode, 303);
    }
  });

  test('A11: the login POST is answered with 303, never 307', async () => {
    const browser = new Browser(h.app);
    const response = await browser.submitLogin(await loginPage(browser), 'alice', PASSWORD);
    assert.equal(response.statusCode, 303);
    const done = await browser.signIn(authorizeParams());
    assert.equal(done.statusCode, 303);
    assert.ok(responseParams(String(done.headers.location)).get('code'));
  });
});

describe('client addresses behind a load balancer', () => {
  /** The address audited for a failed sign-in sent through a proxy at 10.0.0.0/24 (the harness's browsers). */
  async function failedSignInIp(trustedProxies: string[]): Promise<{ audited: unknown; peer: string }> {
    const harness = await createHarness({ trustedProxies });
    try {
      const browser = new Browser(harness.app);
      await browser.submitLogin(await loginPage(browser), 'alice', 'Not-The-Password-1', {
        'x-forwarded-for': '203.0.113.9',
      });
      const events = await harness.stores.audit.list({ limit: 10, type: 'sign_in.failure' });
      return { audited: events[0]?.ip, peer: browser.remoteAddress };
    } finally {
      await harness.close();
    }
  }

  test('S1: X-Forwarded-For is ignored unless it comes from a configured proxy', async () => {
    const { audited, peer } = await failedSignInIp([]);
    assert.equal(audited, peer);
  });

  test('S1: from a trusted proxy, the forwarded client address is the one limited and audited', async () => {
    assert.equal((await failedSignInIp(['10.0.0.0/8'])).audited, '203.0.113.9');
  });
});
