import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { authorizeParams, type Browser, hiddenInput, PASSWORD, pkcePair } from '../authorize/harness.js';
import {
  BACKCHANNEL_URI,
  decodeJwt,
  type EndSessionFixture,
  endSessionFixture,
  OTHER_RP,
  REDIRECT_URI,
  RP,
} from '../end-session/fixture.js';

let f: EndSessionFixture;
before(async () => {
  f = await endSessionFixture();
  await createUser(f.stores, { username: 'bob', password: PASSWORD, email: 'bob@example.com' });
});
after(() => f.close());
beforeEach(() => f.fetch.reset());

const ORIGIN = { origin: 'http://localhost:8080' };

/** Signs `browser` in at the account page itself. */
async function signInAtAccount(browser: Browser, username = 'alice', password = PASSWORD) {
  const form = await browser.get('/account');
  return browser.post(
    '/account/sign-in',
    { csrf_token: hiddenInput(form.body, 'csrf_token'), username, password },
    ORIGIN,
  );
}

/** Posts one of the account page's forms with the page's CSRF token. */
async function postFromPage(browser: Browser, path: string, fields: Record<string, string> = {}) {
  const page = await browser.get('/account');
  assert.equal(page.statusCode, 200);
  return browser.post(
    `/account/${path}`,
    { csrf_token: hiddenInput(page.body, 'csrf_token'), ...fields },
    ORIGIN,
  );
}

async function relyingPartySession(clientId = RP) {
  const browser = f.browser();
  const tokens = await f.signIn(browser, clientId);
  return { browser, tokens, sid: decodeJwt(tokens.id_token).claims['sid'] as string };
}

const live = async (sid: string) => (await f.stores.sessions.getBySid(sid))?.endedAt === null;
const sidsOnPage = (page: LightMyRequestResponse) =>
  [...page.body.matchAll(/<input type="hidden" name="sid" value="([^"]+)">/g)].map((m) => m[1]);

describe('the account page', () => {
  test('asks a browser without a session to sign in, then shows the profile of who signed in', async () => {
    const browser = f.browser();
    const form = await browser.get('/account');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /<form method="post" action="\/account\/sign-in">/);
    const signedIn = await signInAtAccount(browser);
    assert.equal(signedIn.statusCode, 303);
    assert.equal(signedIn.headers.location, '/account');
    const page = await browser.get('/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 id="page-title">Your account<\/h1>/);
    assert.match(page.body, /Signed in as <strong>alice<\/strong>/);
    assert.match(page.body, /<dt>Name<\/dt><dd>Alice Example<\/dd>/);
    assert.doesNotMatch(page.body, /bob/);
  });

  test('refuses a wrong password at its sign-in form with the same page and no session', async () => {
    const browser = f.browser();
    const response = await signInAtAccount(browser, 'alice', 'not the password at all');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /Incorrect username or password/);
    assert.equal(browser.cookies.has('latchkey-session'), false);
  });

  test('S5, S7: is never framed, cached or sent with a Referer', async () => {
    const browser = f.browser();
    await signInAtAccount(browser);
    const page = await browser.get('/account');
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    // Only the provider's own script files (the passkey button): no inline script, no other origin.
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'(;|$)/);
    assert.doesNotMatch(page.body, /<script>/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
  });

  test('shows a notice only from its fixed list, never text from the URL', async () => {
    const browser = f.browser();
    await signInAtAccount(browser);
    const known = await browser.get('/account?done=others-ended');
    assert.match(known.body, /<p class="notice" role="status">Every other session was signed out.<\/p>/);
    const unknown = await browser.get('/account?done=%3Cscript%3Ealert(1)%3C/script%3E');
    assert.equal(unknown.statusCode, 200);
    assert.doesNotMatch(unknown.body, /class="notice"|alert\(1\)/);
  });
});

describe('S4: every form of the account page', () => {
  for (const [path, fields] of [
    ['sessions/end-others', {}],
    ['applications/disconnect', { client_id: RP }],
    [
      'password',
      {
        current_password: PASSWORD,
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase',
      },
    ],
  ] as const) {
    test(`refuses /account/${path} without the browser's CSRF token or from another origin, changing nothing`, async () => {
      const rp = await relyingPartySession();
      const { browser } = rp;
      const noToken = await browser.post(`/account/${path}`, { ...fields }, ORIGIN);
      assert.equal(noToken.statusCode, 403);
      const page = await browser.get('/account');
      const crossSite = await browser.post(
        `/account/${path}`,
        { csrf_token: hiddenInput(page.body, 'csrf_token'), ...fields },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      assert.equal(crossSite.statusCode, 403);
      assert.equal(await live(rp.sid), true);
      assert.ok(await f.stores.consents.get(f.user.id, RP));
      assert.equal((await f.refresh(RP, rp.tokens.refresh_token)).statusCode, 200);
    });
  }
});

describe('sessions', () => {
  test('lists the live sessions of the person only, marking this browser', async () => {
    const other = await relyingPartySession();
    const browser = f.browser();
    await signInAtAccount(browser);
    const page = await browser.get('/account');
    assert.match(page.body, /<strong>This browser<\/strong>/);
    assert.ok(sidsOnPage(page).includes(other.sid));
    const bobs = f.browser();
    await signInAtAccount(bobs, 'bob');
    const bobsPage = await bobs.get('/account');
    assert.equal(sidsOnPage(bobsPage).includes(other.sid), false);
  });

  test("ending another session revokes that session's grants, so its refresh token stops working, and tells its clients", async () => {
    const other = await relyingPartySession();
    const browser = f.browser();
    await signInAtAccount(browser);
    const ended = await postFromPage(browser, 'sessions/end', { sid: other.sid });
    assert.equal(ended.statusCode, 303);
    assert.equal(ended.headers.location, '/account?done=session-ended');
    assert.equal(await live(other.sid), false);
    const refresh = await f.refresh(RP, other.tokens.refresh_token);
    assert.equal(refresh.statusCode, 400);
    assert.equal(refresh.json().error, 'invalid_grant');
    // Back-Channel Logout §2.5: the relying party of the ended session hears of it.
    const told = await f.fetch.next();
    assert.equal(told.url, BACKCHANNEL_URI);
    const page = await browser.get('/account');
    assert.equal(page.statusCode, 200, 'this browser stays signed in');
  });

  test("cannot end another person's session (404, still live)", async () => {
    const alices = await relyingPartySession();
    const bobs = f.browser();
    await signInAtAccount(bobs, 'bob');
    const response = await postFromPage(bobs, 'sessions/end', { sid: alices.sid });
    assert.equal(response.statusCode, 404);
    assert.equal(await live(alices.sid), true);
  });

  test('"sign out everywhere else" ends every other session and keeps this one', async () => {
    const first = await relyingPartySession();
    const second = await relyingPartySession(OTHER_RP);
    const browser = f.browser();
    await signInAtAccount(browser);
    const response = await postFromPage(browser, 'sessions/end-others');
    assert.equal(response.headers.location, '/account?done=others-ended');
    assert.equal(await live(first.sid), false);
    assert.equal(await live(second.sid), false);
    const page = await browser.get('/account');
    assert.deepEqual(sidsOnPage(page), []);
    assert.match(page.body, /This browser/);
  });
});

describe('connected applications', () => {
  test('lists the applications the person allowed, with the permissions in words', async () => {
    const { browser } = await relyingPartySession();
    const page = await browser.get('/account');
    assert.match(page.body, /Relying &lt;Party&gt; &amp; Co/);
    assert.match(page.body, /Sign you in and know who you are/);
    assert.match(page.body, /<input type="hidden" name="client_id" value="rp">/);
  });

  test('disconnecting one revokes its consent and grants: its refresh token fails and it must ask again', async () => {
    const rp = await relyingPartySession();
    const response = await postFromPage(rp.browser, 'applications/disconnect', { client_id: RP });
    assert.equal(response.headers.location, '/account?done=application-disconnected');
    assert.equal(await f.stores.consents.get(f.user.id, RP), undefined);
    const refresh = await f.refresh(RP, rp.tokens.refresh_token);
    assert.equal(refresh.json().error, 'invalid_grant');
    const events = await f.stores.audit.list({ limit: 5, type: 'consent.revoked' });
    assert.equal(events[0]?.clientId, RP);
    assert.equal(events[0]?.userId, f.user.id);
    const again = await rp.browser.authorize(
      authorizeParams({
        client_id: RP,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile offline_access',
        code_challenge: pkcePair().challenge,
      }),
    );
    assert.ok(await rp.browser.consentForm(again), 'the application must ask for consent again');
  });

  test('disconnecting an application that is not connected is a 404 that changes nothing', async () => {
    const rp = await relyingPartySession();
    const response = await postFromPage(rp.browser, 'applications/disconnect', {
      client_id: 'never-allowed',
    });
    assert.equal(response.statusCode, 404);
    assert.equal((await f.refresh(RP, rp.tokens.refresh_token)).statusCode, 200);
  });
});

describe('password change', () => {
  async function changePassword(browser: Browser, current: string, next: string, again = next) {
    return postFromPage(browser, 'password', {
      current_password: current,
      new_password: next,
      confirm_password: again,
    });
  }

  test('refuses a wrong current password, a repetition that differs and a too-short password, changing nothing', async () => {
    const browser = f.browser();
    await signInAtAccount(browser, 'bob');
    const before = (await f.stores.users.getByUsername('bob'))?.passwordHash;
    const wrong = await changePassword(browser, 'not my password at all', 'a brand new passphrase');
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Your current password is not correct/);
    assert.match(wrong.body, /aria-invalid="true"/);
    const differs = await changePassword(browser, PASSWORD, 'a brand new passphrase', 'another passphrase');
    assert.match(differs.body, /differ/);
    const short = await changePassword(browser, PASSWORD, 'short');
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /The new password was refused/);
    assert.equal((await f.stores.users.getByUsername('bob'))?.passwordHash, before);
  });

  test('changes the password with the current one, signs out the other sessions, keeps this one, and audits it', async () => {
    await createUser(f.stores, { username: 'carol', password: PASSWORD });
    const elsewhere = f.browser();
    await signInAtAccount(elsewhere, 'carol');
    const browser = f.browser();
    await signInAtAccount(browser, 'carol');
    const response = await changePassword(browser, PASSWORD, 'a brand new passphrase');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/account?done=password-changed');
    assert.equal((await browser.get('/account')).statusCode, 200);
    const stale = await elsewhere.get('/account');
    assert.match(stale.body, /action="\/account\/sign-in"/, 'the other session was signed out');
    assert.equal((await signInAtAccount(f.browser(), 'carol', PASSWORD)).statusCode, 400);
    assert.equal((await signInAtAccount(f.browser(), 'carol', 'a brand new passphrase')).statusCode, 303);
    const carol = await f.stores.users.getByUsername('carol');
    const [event] = await f.stores.audit.list({ limit: 1, type: 'password.changed' });
    assert.equal(event?.userId, carol?.id);
    assert.doesNotMatch(JSON.stringify(event), /passphrase|horse/);
  });
});

describe('security events', () => {
  test("shows the person's own events in words and not another person's", async () => {
    const { browser } = await relyingPartySession();
    const page = await browser.get('/account');
    assert.match(page.body, /Signed in to Relying &lt;Party&gt; &amp; Co/);
    assert.match(page.body, /Allowed Relying &lt;Party&gt; &amp; Co access/);
    const bobs = f.browser();
    await signInAtAccount(bobs, 'bob');
    const bobsPage = await bobs.get('/account');
    assert.doesNotMatch(bobsPage.body, /Relying/);
  });
});
