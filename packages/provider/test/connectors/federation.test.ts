import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import { sha256 } from '../../src/sessions/hash.js';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  hiddenInput,
  PASSWORD,
  pkcePair,
  responseParams,
} from '../authorize/harness.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { FakeOidcUpstream } from './fake-oidc-upstream.js';

const RP = 'fed-app';
const REDIRECT_URI = 'https://rp.example.com/callback';
let harness: Harness;
let corp: FakeOidcUpstream;
let other: FakeOidcUpstream;
let rpSecret: string;

before(async () => {
  let now = () => 0;
  corp = await new FakeOidcUpstream('latchkey', 'corp-secret', () => now()).start();
  other = await new FakeOidcUpstream('latchkey', 'other-secret', () => now()).start();
  const connector = (id: string, upstream: FakeOidcUpstream, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'oidc',
    displayName: ({ corp: 'Corp SSO', other: 'Other IdP' } as Record<string, string>)[id] ?? `Corp (${id})`,
    issuer: upstream.issuer,
    clientId: upstream.clientId,
    clientSecret: upstream.clientSecret,
    ...extra,
  });
  harness = await createHarness({
    connectors: [
      connector('corp', corp, { jit: 'create', claims: { name: 'name', nickname: 'name' } }),
      connector('other', other, { jit: 'link-only' }),
      connector('corp-domain', corp, { jit: 'create', allowedEmailDomains: ['corp.example'] }),
      connector('corp-closed', corp, { jit: 'deny' }),
      connector('corp-info', corp, {
        jit: 'create',
        userinfo: true,
        claims: { name: 'name', locale: 'locale' },
      }),
    ],
  } as never);
  now = harness.clock.now;
  rpSecret = (
    await createClient(harness.stores, {
      name: 'Federated App',
      clientId: RP,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email'],
    })
  ).secret as string;
});

after(async () => {
  await harness?.close();
  await corp?.close();
  await other?.close();
});

function reset(): void {
  for (const upstream of [corp, other]) {
    upstream.tamper = (c) => c;
    upstream.foreignKey = false;
    upstream.down = false;
    upstream.userinfo = undefined;
  }
}

/** From the RP's /authorize to the upstream's answer arriving at the provider's callback (not yet sent). */
async function toCallback(
  browser: Browser,
  connector: string,
  params = authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI, scope: 'openid profile email' }),
) {
  const page = await browser.authorize(params);
  assert.equal(page.statusCode, 200, page.body);
  const href = new RegExp(`href="(/connectors/${connector}/start\\?[^"]+)"`).exec(page.body)?.[1];
  assert.ok(href, 'the sign-in page has a button for the connector');
  const start = await browser.get(href);
  assert.equal(start.statusCode, 303, start.body);
  const upstreamAnswer = await fetch(String(start.headers.location), { redirect: 'manual' });
  const back = new URL(String(upstreamAnswer.headers.get('location')));
  return `${back.pathname}${back.search}`;
}

/** Through consent to the code, and the code for tokens: the ID token's claims. */
async function finish(browser: Browser, callback: string, verifier: string) {
  let response = await browser.get(callback);
  const consent = await browser.consentForm(response);
  if (consent !== undefined) response = await browser.submitConsent(consent, 'approve');
  const code = responseParams(String(response.headers.location)).get('code');
  assert.ok(code, `a code: ${response.statusCode} ${response.body.slice(0, 300)}`);
  const token = await harness.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(RP, rpSecret) },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
  assert.equal(token.statusCode, 200, token.body);
  const idToken = (token.json() as { id_token: string }).id_token;
  return JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

async function signInThrough(connector: string, browser = new Browser(harness.app)) {
  const pkce = pkcePair();
  const callback = await toCallback(
    browser,
    connector,
    authorizeParams({
      client_id: RP,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: pkce.challenge,
    }),
  );
  return finish(browser, callback, pkce.verifier);
}

test('a first sign-in through an OIDC upstream provisions a user; the ID token carries the mapped claims and amr fed', async () => {
  reset();
  corp.user = { sub: 'corp-1', email: 'carol@corp.example', email_verified: true, name: 'Carol Upstream' };
  const claims = await signInThrough('corp');
  assert.equal(claims['name'], 'Carol Upstream');
  assert.equal(claims['nickname'], 'Carol Upstream');
  assert.deepEqual(claims['amr'], ['fed']);
  const identity = await harness.stores.identities.find({
    connectorId: 'corp',
    issuer: corp.issuer,
    subject: 'corp-1',
  });
  assert.equal(identity?.userId, claims['sub']);
  // PKCE S256, state and nonce went upstream, and the callback path is the connector's own.
  assert.equal(corp.lastAuthorize?.get('code_challenge_method'), 'S256');
  assert.ok(corp.lastAuthorize?.get('nonce'));
  assert.match(corp.lastAuthorize?.get('redirect_uri') ?? '', /\/connectors\/corp\/callback$/);
  // The second sign-in is the same user.
  const again = await signInThrough('corp');
  assert.equal(again['sub'], claims['sub']);
});

test('the upstream amr is carried into the session and the ID token', async () => {
  reset();
  corp.user = { sub: 'corp-amr', amr: ['pwd', 'otp'], name: 'Mfa Person' };
  const claims = await signInThrough('corp');
  assert.deepEqual(claims['amr'], ['pwd', 'otp']);
});

test('idp_hint sends the browser straight to that upstream; an unknown one shows the sign-in page', async () => {
  reset();
  const browser = new Browser(harness.app);
  const hinted = await browser.authorize(
    authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI, idp_hint: 'corp' }),
  );
  assert.equal(hinted.statusCode, 303);
  assert.match(String(hinted.headers.location), /^\/connectors\/corp\/start\?interaction=/);
  const unknown = await browser.authorize(
    authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI, idp_hint: 'nope' }),
  );
  assert.equal(unknown.statusCode, 200);
  assert.match(unknown.body, /Sign in with Corp SSO/);
});

test('UserInfo adds the claims the ID token lacks; the ID token wins where both speak', async () => {
  reset();
  corp.user = { sub: 'corp-info-1', name: 'From the ID token' };
  const claims = await signInThrough('corp-info');
  assert.equal(claims['name'], 'From the ID token');
  assert.equal(claims['locale'], 'en-GB');
});

test('X1: a UserInfo answer about another subject is refused', async () => {
  reset();
  corp.user = { sub: 'corp-info-2' };
  corp.userinfo = () => ({ sub: 'someone-else', name: 'Someone Else' });
  const browser = new Browser(harness.app);
  const response = await browser.get(await toCallback(browser, 'corp-info'));
  assert.equal(response.statusCode, 400);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('X1: an authorization response whose iss names another issuer, or leaves out the promised iss, is refused (RFC 9207)', async () => {
  for (const change of [
    (url: URL) => url.searchParams.set('iss', 'https://evil.example.com'),
    (url: URL) => url.searchParams.delete('iss'),
  ]) {
    reset();
    corp.user = { sub: 'corp-iss' };
    const browser = new Browser(harness.app);
    const callback = new URL(await toCallback(browser, 'corp'), 'http://localhost:8080');
    change(callback);
    const response = await browser.get(`${callback.pathname}${callback.search}`);
    assert.equal(response.statusCode, 400);
    assert.equal(browser.cookies.has('latchkey-session'), false);
  }
});

test('allowedEmailDomains lets through only a verified address at one of the domains', async () => {
  for (const [user, allowed] of [
    [{ sub: 'corp-d1', email: 'dee@corp.example', email_verified: true }, true],
    [{ sub: 'corp-d2', email: 'dee@elsewhere.example', email_verified: true }, false],
    [{ sub: 'corp-d3', email: 'dee@corp.example', email_verified: false }, false],
    [{ sub: 'corp-d4' }, false],
  ] as const) {
    reset();
    corp.user = { ...user };
    const browser = new Browser(harness.app);
    const response = await browser.get(await toCallback(browser, 'corp-domain'));
    assert.equal(response.statusCode === 403, !allowed, `${user.sub}: ${response.statusCode}`);
    assert.equal(browser.cookies.has('latchkey-session'), allowed, user.sub);
  }
});

test('a connector whose JIT mode is deny refuses people not yet registered', async () => {
  reset();
  corp.user = { sub: 'corp-closed-1', email: 'new@corp.example', email_verified: true };
  const browser = new Browser(harness.app);
  const response = await browser.get(await toCallback(browser, 'corp-closed'));
  assert.equal(response.statusCode, 403);
  assert.match(response.body, /open only to people already registered/);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('login_hint is passed on to an OIDC upstream', async () => {
  reset();
  corp.user = { sub: 'corp-hinted' };
  const browser = new Browser(harness.app);
  await toCallback(
    browser,
    'corp',
    authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI, login_hint: 'dana@corp.example' }),
  );
  assert.equal(corp.lastAuthorize?.get('login_hint'), 'dana@corp.example');
});

for (const [name, tamper] of [
  ['wrong aud', (c: Record<string, unknown>) => ({ ...c, aud: 'someone-else' })],
  ['wrong nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'not-the-nonce' })],
  ['another issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://evil.example.com' })],
  [
    'expired',
    (c: Record<string, unknown>) => ({
      ...c,
      exp: (c['iat'] as number) - 600,
      iat: (c['iat'] as number) - 900,
    }),
  ],
] as const) {
  test(`X1: an upstream ID token with ${name} signs nobody in`, async () => {
    reset();
    corp.user = { sub: `corp-x1-${name}`, name: 'X1' };
    corp.tamper = tamper;
    const browser = new Browser(harness.app);
    const response = await browser.get(await toCallback(browser, 'corp'));
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /could not be verified/);
    assert.equal(
      await harness.stores.identities.find({
        connectorId: 'corp',
        issuer: corp.issuer,
        subject: `corp-x1-${name}`,
      }),
      undefined,
    );
    assert.equal(browser.cookies.has('latchkey-session'), false);
  });
}

test('X1: an upstream ID token signed with a key outside its JWKS signs nobody in', async () => {
  reset();
  corp.user = { sub: 'corp-x1-key' };
  corp.foreignKey = true;
  const browser = new Browser(harness.app);
  const response = await browser.get(await toCallback(browser, 'corp'));
  assert.equal(response.statusCode, 400);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('X1: a replayed state (the same callback with its cookie, again) is refused', async () => {
  reset();
  corp.user = { sub: 'corp-replay' };
  const browser = new Browser(harness.app);
  const callback = await toCallback(browser, 'corp');
  const flowCookie = browser.cookies.get('latchkey-upstream');
  assert.ok(flowCookie);
  const first = await browser.get(callback);
  assert.notEqual(first.statusCode, 400);
  // The attacker replays the callback with the sealed cookie it captured.
  const replay = await harness.app.inject({
    method: 'GET',
    url: callback,
    headers: {
      cookie: `latchkey-browser=${browser.cookies.get('latchkey-browser')}; latchkey-upstream=${flowCookie}`,
    },
  });
  assert.equal(replay.statusCode, 400);
  assert.match(replay.body, /used already/);
});

test('X1: parallel deliveries of one callback: at most one signs in', async () => {
  reset();
  corp.user = { sub: 'corp-race' };
  const browser = new Browser(harness.app);
  const callback = await toCallback(browser, 'corp');
  const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      harness.app.inject({ method: 'GET', url: callback, headers: { cookie } }),
    ),
  );
  assert.equal(results.filter((r) => r.statusCode !== 400).length, 1);
});

test('X1: a callback of upstream A delivered to upstream B’s path is refused (mix-up)', async () => {
  reset();
  corp.user = { sub: 'corp-mixup' };
  const browser = new Browser(harness.app);
  const callback = await toCallback(browser, 'corp');
  const response = await browser.get(callback.replace('/connectors/corp/', '/connectors/other/'));
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /wrong place/);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('X1: a callback without the browser’s round-trip cookie (another browser) is refused', async () => {
  reset();
  corp.user = { sub: 'corp-csrf' };
  const victim = new Browser(harness.app);
  const callback = await toCallback(new Browser(harness.app), 'corp');
  const response = await victim.get(callback);
  assert.equal(response.statusCode, 400);
  assert.equal(victim.cookies.has('latchkey-session'), false);
});

test('X2: an upstream account whose unverified email equals an existing user’s does not sign in as that user', async () => {
  reset();
  const alice = await harness.stores.users.getById(harness.userId);
  corp.user = { sub: 'corp-impostor', email: 'alice@example.com', email_verified: false, name: 'Not Alice' };
  await harness.stores.users.markEmailVerified(harness.userId, alice?.email ?? '', harness.clock.now());
  const claims = await signInThrough('corp');
  assert.notEqual(claims['sub'], harness.userId);
  // The new account did not take the unverified address either.
  const made = await harness.stores.users.getById(String(claims['sub']));
  assert.equal(made?.email, null);
});

test('X2: a verified email equal to an existing user’s never links to that user', async () => {
  reset();
  corp.user = { sub: 'corp-verified-alice', email: 'alice@example.com', email_verified: true };
  const claims = await signInThrough('corp');
  assert.notEqual(claims['sub'], harness.userId);
});

test('X2: an upstream user whose email changes stays the same Latchkey user', async () => {
  reset();
  corp.user = { sub: 'corp-mover', email: 'mover@old.example', email_verified: true };
  const first = await signInThrough('corp');
  corp.user = { sub: 'corp-mover', email: 'mover@new.example', email_verified: true };
  const second = await signInThrough('corp');
  assert.equal(second['sub'], first['sub']);
  const identity = await harness.stores.identities.find({
    connectorId: 'corp',
    issuer: corp.issuer,
    subject: 'corp-mover',
  });
  assert.equal(identity?.email, 'mover@new.example');
});

test('a link-only connector refuses a first sign-in with no linked account', async () => {
  reset();
  other.user = { sub: 'other-1', email: 'alice@example.com', email_verified: true };
  const browser = new Browser(harness.app);
  const response = await browser.get(await toCallback(browser, 'other'));
  assert.equal(response.statusCode, 403);
  assert.match(response.body, /No account here is linked/);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('an upstream that is down gets a clear error page (503), never a sign-in', async () => {
  reset();
  const browser = new Browser(harness.app);
  const callback = await toCallback(browser, 'corp');
  corp.down = true;
  const response = await browser.get(callback);
  assert.equal(response.statusCode, 503);
  assert.match(response.body, /cannot be reached right now/);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

const ORIGIN = { origin: 'http://localhost:8080' };

async function signInAtAccount(browser: Browser, username: string, password: string) {
  const form = await browser.get('/account');
  const response = await browser.post(
    '/account/sign-in',
    { csrf_token: hiddenInput(form.body, 'csrf_token'), username, password },
    ORIGIN,
  );
  assert.equal(response.statusCode, 303, response.body);
}

/** Follows the account page's "Link <name>" link through the upstream and back. */
async function linkThrough(browser: Browser, name: string) {
  const page = await browser.get('/account');
  assert.match(page.body, /Linked sign-in methods/);
  const href = new RegExp(`href="([^"]+)">Link ${name}<`).exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(href, `a link for ${name}`);
  return throughUpstream(browser, href);
}

test('a signed-in person links an upstream account on the account page, then signs in with it as themselves', async () => {
  reset();
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'alice', PASSWORD);
  other.user = { sub: 'other-alice', email: 'someone-else@corp.example', email_verified: true };
  const linked = await linkThrough(browser, 'Other IdP');
  assert.equal(linked.statusCode, 303, linked.body);
  assert.equal(linked.headers.location, '/account?done=identity-linked');
  const page = await browser.get('/account');
  assert.match(page.body, /someone-else@corp\.example/);
  assert.doesNotMatch(page.body, />Link Other IdP</, 'a linked connector is not offered again');
  // The link-only connector now signs alice in: the ID token's sub is hers.
  const claims = await signInThrough('other');
  assert.equal(claims['sub'], harness.userId);
});

test('an upstream account linked to someone else cannot be linked again', async () => {
  reset();
  corp.user = { sub: 'corp-taken', email: 'taken@corp.example', email_verified: true };
  await signInThrough('corp');
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'alice', PASSWORD);
  const response = await linkThrough(browser, 'Corp SSO');
  assert.equal(response.statusCode, 409);
  const identity = await harness.stores.identities.find({
    connectorId: 'corp',
    issuer: corp.issuer,
    subject: 'corp-taken',
  });
  assert.notEqual(identity?.userId, harness.userId);
});

test('a link round trip started without this browser’s CSRF token is refused', async () => {
  reset();
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'alice', PASSWORD);
  const response = await browser.get('/connectors/corp/start?purpose=link&csrf_token=forged');
  assert.equal(response.statusCode, 403);
});

test('linking needs a sign-in at most 5 minutes old: an older one is sent to sign in again and nothing is linked until then', async () => {
  reset();
  const dora = await createUser(harness.stores, { username: 'dora', password: PASSWORD });
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'dora', PASSWORD);
  other.user = { sub: 'other-stale', email: 'stale@corp.example', email_verified: true };
  harness.clock.advance(5 * 60 + 1);
  const page = await browser.get('/account');
  const href = /href="([^"]+)">Link Other IdP</.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(href);
  const start = await browser.get(href);
  assert.equal(start.statusCode, 303);
  assert.equal(start.headers.location, '/account/confirm');
  const confirm = await browser.get('/account/confirm');
  assert.equal(confirm.statusCode, 200);
  assert.match(confirm.body, /needs a recent sign-in/);
  assert.match(confirm.body, /name="username"[^>]*value="dora"|value="dora"[^>]*name="username"/);
  const key = { connectorId: 'other', issuer: other.issuer, subject: 'other-stale' };
  assert.equal(await harness.stores.identities.find(key), undefined);
  // Signing in again makes the session recent: the same link now goes through.
  await signInAtAccount(browser, 'dora', PASSWORD);
  const linked = await linkThrough(browser, 'Other IdP');
  assert.equal(linked.headers.location, '/account?done=identity-linked');
  assert.equal((await harness.stores.identities.find(key))?.userId, dora.id);
});

test('a link round trip that outlasts the recent-sign-in window links nothing', async () => {
  reset();
  await createUser(harness.stores, { username: 'erin', password: PASSWORD });
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'erin', PASSWORD);
  other.user = { sub: 'other-slow', email: 'slow@corp.example', email_verified: true };
  const page = await browser.get('/account');
  const href = /href="([^"]+)">Link Other IdP</.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(href);
  const start = await browser.get(href);
  assert.equal(start.statusCode, 303);
  const answer = await fetch(String(start.headers.location), { redirect: 'manual' });
  harness.clock.advance(5 * 60 + 1);
  const back = new URL(String(answer.headers.get('location')));
  const response = await browser.get(`${back.pathname}${back.search}`);
  assert.equal(response.headers.location, '/account/confirm');
  assert.equal(
    await harness.stores.identities.find({
      connectorId: 'other',
      issuer: other.issuer,
      subject: 'other-slow',
    }),
    undefined,
  );
});

test('unlink removes only the person’s own identity, and never the last way into a passwordless account', async () => {
  reset();
  const browser = new Browser(harness.app);
  await signInAtAccount(browser, 'alice', PASSWORD);
  other.user = { sub: 'other-unlink' };
  // Alice may have linked Other IdP already (an earlier test): the link's own URL, as the page makes it.
  const link = await browser.get(`/connectors/other/start?purpose=link&csrf_token=${await csrfOf(browser)}`);
  const answer = await fetch(String(link.headers.location), { redirect: 'manual' });
  const back = new URL(String(answer.headers.get('location')));
  assert.equal(
    (await browser.get(`${back.pathname}${back.search}`)).headers.location,
    '/account?done=identity-linked',
  );
  const page = await browser.get('/account');
  const unlink = (subject: string) =>
    browser.post(
      '/account/identities/unlink',
      { csrf_token: hiddenInput(page.body, 'csrf_token'), connector: 'other', issuer: other.issuer, subject },
      ORIGIN,
    );
  // Another person's identity: not found, nothing changes.
  corp.user = { sub: 'corp-someone' };
  await signInThrough('corp');
  const foreign = await browser.post(
    '/account/identities/unlink',
    {
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      connector: 'corp',
      issuer: corp.issuer,
      subject: 'corp-someone',
    },
    ORIGIN,
  );
  assert.equal(foreign.statusCode, 404);
  assert.ok(
    await harness.stores.identities.find({
      connectorId: 'corp',
      issuer: corp.issuer,
      subject: 'corp-someone',
    }),
  );
  const done = await unlink('other-unlink');
  assert.equal(done.headers.location, '/account?done=identity-unlinked');
  assert.equal(
    await harness.stores.identities.find({
      connectorId: 'other',
      issuer: other.issuer,
      subject: 'other-unlink',
    }),
    undefined,
  );

  // A JIT user (no password) with one identity cannot unlink it.
  corp.user = { sub: 'corp-only-way' };
  const jit = new Browser(harness.app);
  const signedIn = await throughUpstream(
    jit,
    `/connectors/corp/start?purpose=account&csrf_token=${await csrfOf(jit)}`,
  );
  assert.equal(signedIn.headers.location, '/account');
  const jitPage = await jit.get('/account');
  const refused = await jit.post(
    '/account/identities/unlink',
    {
      csrf_token: hiddenInput(jitPage.body, 'csrf_token'),
      connector: 'corp',
      issuer: corp.issuer,
      subject: 'corp-only-way',
    },
    ORIGIN,
  );
  assert.equal(refused.statusCode, 409);
  assert.ok(
    await harness.stores.identities.find({
      connectorId: 'corp',
      issuer: corp.issuer,
      subject: 'corp-only-way',
    }),
  );
});

/** A start link, the upstream's answer, and that answer delivered to the provider's callback. */
async function throughUpstream(browser: Browser, startHref: string) {
  const start = await browser.get(startHref);
  assert.equal(start.statusCode, 303, start.body);
  const answer = await fetch(String(start.headers.location), { redirect: 'manual' });
  const back = new URL(String(answer.headers.get('location')));
  return browser.get(`${back.pathname}${back.search}`);
}

async function csrfOf(browser: Browser): Promise<string> {
  return hiddenInput((await browser.get('/account')).body, 'csrf_token');
}

test('parallel first sign-ins of one upstream account end as one active Latchkey user', async () => {
  reset();
  corp.user = { sub: 'corp-parallel', name: 'Parallel Person' };
  const browsers = Array.from({ length: 6 }, () => new Browser(harness.app));
  const callbacks = await Promise.all(browsers.map((b) => toCallback(b, 'corp')));
  const responses = await Promise.all(browsers.map((b, i) => b.get(callbacks[i] ?? '')));
  for (const response of responses) assert.ok(response.statusCode < 400, `${response.statusCode}`);
  const identity = await harness.stores.identities.find({
    connectorId: 'corp',
    issuer: corp.issuer,
    subject: 'corp-parallel',
  });
  const active = (await harness.stores.users.list()).filter(
    (u) => u.profile.name === 'Parallel Person' && !u.disabled,
  );
  assert.deepEqual(
    active.map((u) => u.id),
    [identity?.userId],
  );
  // Every browser is signed in as that one user.
  for (const browser of browsers) {
    const session = await harness.stores.sessions.get(
      sha256(browser.cookies.get('latchkey-session') ?? ''),
      harness.clock.now(),
    );
    assert.equal(session?.userId, identity?.userId);
  }
});

test('a round trip that outlives the application’s request starts no session', async () => {
  reset();
  corp.user = { sub: 'corp-slow' };
  const browser = new Browser(harness.app);
  const page = await browser.authorize(authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI }));
  const href = /href="(\/connectors\/corp\/start\?[^"]+)"/.exec(page.body)?.[1] ?? '';
  // 14 minutes on the sign-in page, then the button: the round trip (10 minutes) outlives the
  // request (15 minutes from /authorize), which expires while the person is at the upstream.
  harness.clock.advance(14 * 60);
  try {
    const start = await browser.get(href);
    const answer = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(String(answer.headers.get('location')));
    harness.clock.advance(2 * 60);
    const response = await browser.get(`${back.pathname}${back.search}`);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /expired meanwhile/);
    assert.equal(browser.cookies.has('latchkey-session'), false);
  } finally {
    harness.clock.advance(-16 * 60);
  }
});

test('a request too large to travel in the round-trip cookie gets a clear page before the browser leaves', async () => {
  reset();
  const browser = new Browser(harness.app);
  const page = await browser.authorize(
    authorizeParams({
      client_id: RP,
      redirect_uri: REDIRECT_URI,
      state: 'x'.repeat(2048),
      nonce: 'n'.repeat(512),
    }),
  );
  const href = /href="(\/connectors\/corp\/start\?[^"]+)"/.exec(page.body)?.[1] ?? '';
  const start = await browser.get(href);
  assert.equal(start.statusCode, 400);
  assert.match(start.body, /too large/);
  assert.equal(browser.cookies.has('latchkey-upstream'), false);
});

test('an unknown connector’s start or callback is a 404 page, and no cookie is set', async () => {
  const browser = new Browser(harness.app);
  for (const path of [
    '/connectors/nope/start?purpose=account',
    '/connectors/nope/callback?code=x&state=y',
    '/connectors/__proto__/callback',
  ]) {
    const response = await browser.get(path);
    assert.equal(response.statusCode, 404, path);
    assert.match(String(response.headers['content-type']), /text\/html/);
  }
  assert.equal(browser.cookies.has('latchkey-upstream'), false);
});
