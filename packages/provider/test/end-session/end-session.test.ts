import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type Browser, hiddenInput } from '../authorize/harness.js';
import { verifyLogoutToken } from '../logout/verify-logout-token.js';
import {
  BACKCHANNEL_URI,
  decodeJwt,
  type EndSessionFixture,
  endSessionFixture,
  OTHER_BACKCHANNEL_URI,
  OTHER_RP,
  POST_LOGOUT_URI,
  QUIET_RP,
  RP,
} from './fixture.js';

let f: EndSessionFixture;
before(async () => {
  f = await endSessionFixture();
});
after(() => f.close());
beforeEach(() => f.fetch.reset());

const logoutUrl = (params: Record<string, string>) => `/logout?${new URLSearchParams(params)}`;

/** A browser signed in to RP; its tokens and the session it holds. */
async function signedIn() {
  const browser = f.browser();
  const tokens = await f.signIn(browser);
  const sid = decodeJwt(tokens.id_token).claims['sid'] as string;
  return { browser, tokens, sid };
}

async function sessionLive(sid: string): Promise<boolean> {
  return (await f.stores.sessions.getBySid(sid))?.endedAt === null;
}

/** Submits the confirmation form of a confirmation page as the browser would. */
function confirm(browser: Browser, page: LightMyRequestResponse, headers: Record<string, string> = {}) {
  const form: Record<string, string> = {};
  for (const match of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form[match[1]!] = match[2]!.replace(/&amp;/g, '&');
  }
  return browser.post('/logout', form, { origin: 'http://localhost:8080', ...headers });
}

function assertConfirmationPage(page: LightMyRequestResponse) {
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1 id="page-title">Sign out\?<\/h1>/);
  assert.match(page.body, /<input type="hidden" name="csrf_token" value="[\w-]{43}">/);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(page.headers['cache-control'], 'no-store');
}

describe('discovery', () => {
  test('advertises the end_session_endpoint and back-channel logout with sid', async () => {
    const document = (await f.app.inject('/.well-known/openid-configuration')).json();
    assert.equal(document.end_session_endpoint, `${f.config.issuer}/logout`);
    assert.equal(document.backchannel_logout_supported, true);
    assert.equal(document.backchannel_logout_session_supported, true);
  });
});

describe('RP-initiated logout with an id_token_hint of the current session', () => {
  test('signs out at once, redirects to the registered URI with state, and clears the session cookie', async () => {
    const { browser, tokens, sid } = await signedIn();
    const response = await browser.get(
      logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state: 's-1' }),
    );
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `${POST_LOGOUT_URI}&state=s-1`);
    assert.equal(browser.cookies.has('latchkey-session'), false);
    assert.equal(await sessionLive(sid), false);
    // The browser is signed out: /authorize asks for a login again.
    assert.equal(await f.stores.sessions.getBySid(sid).then((s) => s?.endedAt), f.clock.now());
  });

  test('without post_logout_redirect_uri ends on the signed-out page', async () => {
    const { browser, tokens, sid } = await signedIn();
    const response = await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /You are signed out/);
    assert.equal(await sessionLive(sid), false);
  });

  test('RP POSTs are sent back as a GET of the same request (the Lax session cookie comes only with a navigation)', async () => {
    const { browser, tokens, sid } = await signedIn();
    const response = await browser.post('/logout', {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 's-2',
      unknown: 'dropped',
    });
    assert.equal(response.statusCode, 303);
    const location = new URL(String(response.headers.location), 'http://localhost:8080');
    assert.equal(location.pathname, '/logout');
    assert.equal(location.searchParams.get('id_token_hint'), tokens.id_token);
    assert.equal(location.searchParams.get('state'), 's-2');
    assert.equal(location.searchParams.has('unknown'), false);
    assert.equal(await sessionLive(sid), true);
    const followed = await browser.get(`${location.pathname}${location.search}`);
    assert.equal(followed.headers.location, `${POST_LOGOUT_URI}&state=s-2`);
  });
});

describe('the confirmation page', () => {
  test('is shown when there is no hint, and signing out there never redirects (no open redirect)', async () => {
    const { browser, sid } = await signedIn();
    const page = await browser.get(logoutUrl({ client_id: RP, post_logout_redirect_uri: POST_LOGOUT_URI }));
    assertConfirmationPage(page);
    assert.match(page.body, /<strong>Relying &lt;Party&gt; &amp; Co<\/strong> asks to sign you out/);
    assert.match(page.body, /Signed in as <strong>Alice Example<\/strong>/);
    assert.equal(await sessionLive(sid), true);
    const response = await confirm(browser, page);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers.location, undefined);
    assert.match(response.body, /You are signed out/);
    assert.equal(await sessionLive(sid), false);
  });

  test('is shown when the hint names another session of the same user; after it, the registered redirect', async () => {
    const first = await signedIn();
    const { browser, sid } = await signedIn();
    const page = await browser.get(
      logoutUrl({
        id_token_hint: first.tokens.id_token,
        post_logout_redirect_uri: POST_LOGOUT_URI,
        state: 'x',
      }),
    );
    assertConfirmationPage(page);
    assert.equal(hiddenInput(page.body, 'state'), 'x');
    // Browsers apply form-action to the redirect that answers the POST.
    assert.match(String(page.headers['content-security-policy']), /form-action 'self' https:\/\/rp\.example/);
    const response = await confirm(browser, page);
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `${POST_LOGOUT_URI}&state=x`);
    assert.equal(await sessionLive(sid), false);
    assert.equal(await sessionLive(first.sid), true, 'only the browser’s own session ends');
  });

  test('is shown when logout_hint names another account', async () => {
    const { browser, tokens, sid } = await signedIn();
    assertConfirmationPage(
      await browser.get(logoutUrl({ id_token_hint: tokens.id_token, logout_hint: 'bob' })),
    );
    assert.equal(await sessionLive(sid), true);
    const same = await browser.get(logoutUrl({ id_token_hint: tokens.id_token, logout_hint: 'ALICE' }));
    assert.match(same.body, /You are signed out/);
    assert.equal(await sessionLive(sid), false);
  });

  test('a hint that does not verify counts as no hint: confirmation, then no redirect', async () => {
    const { browser, tokens, sid } = await signedIn();
    const [h, p, s] = tokens.id_token.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    const page = await browser.get(
      logoutUrl({ id_token_hint: tampered, post_logout_redirect_uri: POST_LOGOUT_URI }),
    );
    assertConfirmationPage(page);
    const response = await confirm(browser, page);
    assert.equal(response.headers.location, undefined);
    assert.equal(await sessionLive(sid), false);
  });

  test('J21: an access token as id_token_hint is not an ID token: confirmation, no redirect', async () => {
    const { browser, tokens, sid } = await signedIn();
    const page = await browser.get(
      logoutUrl({ id_token_hint: tokens.access_token, post_logout_redirect_uri: POST_LOGOUT_URI }),
    );
    assertConfirmationPage(page);
    assert.equal(await sessionLive(sid), true);
  });

  const forgeries: { name: string; headers: Record<string, string>; drop?: string; csrf?: string }[] = [
    { name: 'without the CSRF token', headers: {}, drop: 'csrf_token' },
    { name: 'with another browser’s CSRF token', headers: {}, csrf: 'x'.repeat(43) },
    { name: 'from another site (Origin)', headers: { origin: 'https://evil.example' } },
    { name: 'from another site (Sec-Fetch-Site)', headers: { 'sec-fetch-site': 'cross-site' } },
  ];
  for (const { name, headers, drop, csrf } of forgeries) {
    test(`S4: a confirmation POST ${name} is refused and signs nobody out`, async () => {
      const { browser, sid } = await signedIn();
      const page = await browser.get('/logout');
      assertConfirmationPage(page);
      const form: Record<string, string> = { csrf_token: csrf ?? hiddenInput(page.body, 'csrf_token') };
      if (drop !== undefined) delete form[drop];
      // Without csrf_token the POST is taken for an RP's request and sent back as a GET, never a logout.
      const response = await browser.post('/logout', form, { origin: 'http://localhost:8080', ...headers });
      if (drop === undefined) assert.equal(response.statusCode, 403);
      else assert.equal(response.statusCode, 303);
      assert.equal(await sessionLive(sid), true);
    });
  }
});

describe('refused logout requests (a local error page, nobody signed out, no redirect)', () => {
  const cases: { name: string; params: (idToken: string) => Record<string, string>; message: RegExp }[] = [
    {
      name: 'a post_logout_redirect_uri the client never registered',
      params: (t) => ({ id_token_hint: t, post_logout_redirect_uri: 'https://evil.example/' }),
      message: /not registered/,
    },
    {
      name: 'a registered URI with a different query (exact match only)',
      params: (t) => ({ id_token_hint: t, post_logout_redirect_uri: 'https://rp.example/signed-out' }),
      message: /not registered/,
    },
    {
      name: 'a client_id the hint was not issued to',
      params: (t) => ({ id_token_hint: t, client_id: OTHER_RP }),
      message: /not the client the id_token_hint was issued to/,
    },
    {
      name: 'an unknown client_id',
      params: () => ({ client_id: 'nobody', post_logout_redirect_uri: POST_LOGOUT_URI }),
      message: /not a registered client/,
    },
    {
      name: 'a parameter sent twice',
      params: (t) => ({ id_token_hint: t, state: 'a', 'state ': 'b' }),
      message: /more than once/,
    },
  ];
  for (const { name, params, message } of cases) {
    test(name, async () => {
      const { browser, tokens, sid } = await signedIn();
      const query = new URLSearchParams(params(tokens.id_token));
      // "state " is a stand-in for a repeated parameter.
      const search = query.toString().replace('state+=', 'state=');
      const response = await browser.get(`/logout?${search}`);
      assert.equal(response.statusCode, 400);
      assert.equal(response.headers.location, undefined);
      assert.match(response.body, message);
      assert.equal(await sessionLive(sid), true);
    });
  }
});

describe('without a session at the provider', () => {
  test('a valid hint and registered URI still return the browser to the client', async () => {
    const { tokens } = await signedIn();
    const response = await f
      .browser()
      .get(logoutUrl({ id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT_URI }));
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, POST_LOGOUT_URI);
  });

  test('anything else shows the signed-out page', async () => {
    const response = await f
      .browser()
      .get(logoutUrl({ post_logout_redirect_uri: POST_LOGOUT_URI, client_id: RP }));
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /You are signed out/);
    assert.equal(response.headers.location, undefined);
  });
});

describe('what logging out ends', () => {
  test('R3: the refresh tokens of the session are refused at /token after logout, and UserInfo refuses its access tokens', async () => {
    const { browser, tokens } = await signedIn();
    const other = await f.signIn(browser, OTHER_RP);
    assert.equal((await f.refresh(RP, tokens.refresh_token)).statusCode, 200, 'refresh works before logout');
    const [fresh] = [(await f.refresh(OTHER_RP, other.refresh_token)).json() as { refresh_token: string }];
    await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    const refused = await f.refresh(OTHER_RP, fresh.refresh_token);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, 'invalid_grant');
    const userinfo = await f.app.inject({
      url: '/userinfo',
      headers: { authorization: `Bearer ${other.access_token}` },
    });
    assert.equal(userinfo.statusCode, 401);
  });

  test('J21: each client that got tokens in the session is sent a logout+jwt with sub and sid; no nonce', async () => {
    const { browser, tokens, sid } = await signedIn();
    await f.signIn(browser, OTHER_RP);
    await f.signIn(browser, QUIET_RP);
    const response = await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    assert.equal(response.statusCode, 200);
    const requests = [await f.fetch.next(), await f.fetch.next()].sort((a, b) => a.url.localeCompare(b.url));
    assert.deepEqual(
      requests.map((r) => r.url),
      [OTHER_BACKCHANNEL_URI, BACKCHANNEL_URI],
    );
    for (const [request, audience] of [
      [requests[0]!, OTHER_RP],
      [requests[1]!, RP],
    ] as const) {
      assert.equal(request.method, 'POST');
      assert.equal(request.headers.get('content-type'), 'application/x-www-form-urlencoded');
      assert.equal(request.redirect, 'manual');
      const token = request.body.get('logout_token')!;
      assert.equal(decodeJwt(token).header['typ'], 'logout+jwt');
      const claims = await verifyLogoutToken(token, {
        issuer: f.config.issuer,
        audience,
        jwks: f.keyManager.jwks().body,
        now: f.clock.now(),
      });
      assert.equal(claims.sub, f.user.id);
      assert.equal(claims['sid'], sid);
      assert.equal(claims.exp! - claims.iat!, 120);
    }
    assert.equal(f.fetch.sent.length, 2, 'the client without a back-channel URI is not called');
  });

  test('the logout page does not wait for a slow relying party; failures are retried with backoff', async () => {
    const { browser, tokens } = await signedIn();
    let release!: () => void;
    const held = new Promise<Response>((resolve) => {
      release = () => resolve(new Response('ok'));
    });
    f.fetch.script(BACKCHANNEL_URI, 503, () => held);
    f.delays.length = 0;
    const response = await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    assert.equal(response.statusCode, 200, 'answered while the RP has not answered');
    assert.equal((await f.fetch.next()).url, BACKCHANNEL_URI);
    assert.equal((await f.fetch.next()).url, BACKCHANNEL_URI);
    assert.deepEqual(f.delays, [1000]);
    release();
  });

  test('a second logout of the same session sends nothing again', async () => {
    const { browser, tokens } = await signedIn();
    const cookies = new Map(browser.cookies);
    await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    await f.fetch.next();
    for (const [name, value] of cookies) browser.cookies.set(name, value);
    const again = await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    assert.match(again.body, /You are signed out/);
    assert.equal(f.fetch.sent.length, 1);
  });

  test('writes a session.logout audit event with the clients of the session', async () => {
    const { browser, tokens } = await signedIn();
    await browser.get(logoutUrl({ id_token_hint: tokens.id_token }));
    const [event] = await f.stores.audit.list({ limit: 1, type: 'session.logout' });
    assert.equal(event?.userId, f.user.id);
    assert.equal(event?.clientId, RP);
    assert.deepEqual(event?.details, { grantsRevoked: 1, clients: [RP] });
  });
});
