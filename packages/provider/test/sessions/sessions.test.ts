import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cookieName, readCookie, serializeCookie } from '../../src/sessions/cookies.js';
import { sha256 } from '../../src/sessions/hash.js';
import { authorizeParams, Browser, createHarness, type Harness } from '../authorize/harness.js';

describe('cookies', () => {
  test('S6: over https the names carry __Host- and the cookie is Secure, HttpOnly, SameSite=Lax, Path=/', () => {
    assert.equal(cookieName('latchkey-session', true), '__Host-latchkey-session');
    assert.equal(
      serializeCookie('__Host-latchkey-session', 'abc', { secure: true, maxAge: 60 }),
      '__Host-latchkey-session=abc; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60',
    );
  });

  test('on an http localhost issuer the plain name is used, without Secure', () => {
    assert.equal(cookieName('latchkey-session', false), 'latchkey-session');
    assert.doesNotMatch(serializeCookie('latchkey-session', 'abc', { secure: false }), /Secure/);
  });

  const reads: [string, string | undefined][] = [
    ['a=1; latchkey-session=abc_-9; b=2', 'abc_-9'],
    ['latchkey-session=abc; latchkey-session=def', undefined],
    ['latchkey-session="abc"', undefined],
    ['latchkey-session=a;b', 'a'],
    ['other=abc', undefined],
    [`latchkey-session=${'a'.repeat(600)}`, undefined],
  ];
  for (const [header, expected] of reads) {
    test(`reads ${JSON.stringify(header.slice(0, 50))} as ${JSON.stringify(expected)}`, () => {
      assert.equal(readCookie(header, 'latchkey-session'), expected);
    });
  }
});

describe('sessions over https', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ issuer: 'https://id.example.com', session: { lifetime: 3600 } });
  });
  after(() => h.close());

  test('S6: sign-in sets __Host- cookies that are Secure, HttpOnly and SameSite=Lax, lasting the configured lifetime', async () => {
    const browser = new Browser(h.app, { origin: 'https://id.example.com' });
    const page = await browser.authorize(authorizeParams());
    const response = await browser.submitLogin(page, 'alice', 'correct horse battery staple');
    const cookies = [response.headers['set-cookie']].flat().map(String);
    const session = cookies.find((c) => c.startsWith('__Host-latchkey-session='));
    assert.ok(session, cookies.join('\n'));
    assert.match(session, /; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=3600$/);
    assert.doesNotMatch(session, /Domain=/i);
    const browserCookie = [page.headers['set-cookie']].flat().map(String)[0];
    assert.match(
      String(browserCookie),
      /^__Host-latchkey-browser=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure/,
    );
  });

  test('a session is unusable after its lifetime: prompt=none then answers login_required', async () => {
    const browser = new Browser(h.app, { origin: 'https://id.example.com' });
    await browser.signIn(authorizeParams());
    h.clock.advance(3600);
    const response = await browser.authorize(authorizeParams({ prompt: 'none' }));
    assert.equal(new URL(String(response.headers.location)).searchParams.get('error'), 'login_required');
  });

  test('a session whose user was disabled no longer counts', async () => {
    const browser = new Browser(h.app, { origin: 'https://id.example.com' });
    await browser.signIn(authorizeParams());
    await h.stores.users.setDisabled(h.userId, true, h.clock.now());
    const response = await browser.authorize(authorizeParams({ prompt: 'none' }));
    assert.equal(new URL(String(response.headers.location)).searchParams.get('error'), 'login_required');
    await h.stores.users.setDisabled(h.userId, false, h.clock.now());
  });
});

describe('an idle timeout (session.idleTimeout)', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ session: { lifetime: 12 * 3600, idleTimeout: 1800 } });
  });
  after(() => h.close());

  const errorOf = (response: { headers: Record<string, unknown> }) =>
    new URL(String(response.headers.location)).searchParams.get('error');

  test('a session in use stays live past the timeout; one left idle for it ends', async () => {
    const browser = new Browser(h.app);
    await browser.signIn(authorizeParams());
    for (let i = 0; i < 4; i++) {
      h.clock.advance(1500);
      assert.equal(errorOf(await browser.authorize(authorizeParams({ prompt: 'none' }))), null);
    }
    h.clock.advance(1800);
    assert.equal(errorOf(await browser.authorize(authorizeParams({ prompt: 'none' }))), 'login_required');
  });

  test('a session is marked seen at most once a minute, not on every request', async () => {
    const browser = new Browser(h.app);
    await browser.signIn(authorizeParams());
    const idHash = sha256(browser.cookies.get('latchkey-session')!);
    const seenAt = async () => (await h.stores.sessions.get(idHash, h.clock.now()))?.lastSeenAt;
    const signedInAt = h.clock.now();
    assert.equal(await seenAt(), signedInAt);
    h.clock.advance(30);
    await browser.authorize(authorizeParams({ prompt: 'none' }));
    assert.equal(await seenAt(), signedInAt);
    h.clock.advance(60);
    await browser.authorize(authorizeParams({ prompt: 'none' }));
    assert.equal(await seenAt(), h.clock.now());
  });
});
