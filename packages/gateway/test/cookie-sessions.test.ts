import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadGatewayConfig } from '@latchkey/gateway';
import { TestBrowser } from './helpers/browser.js';
import { type Harness, startHarness } from './helpers/gateway.js';
import type { SeenRequest } from './helpers/upstream.js';

let h: Harness;
before(async () => {
  h = await startHarness({ session: { store: 'cookie' } });
});
after(() => h.close());

const url = (path: string) => `${h.gateway.url}${path}`;

/** Signs in through the real redirect dance; returns the browser and the callback's response. */
async function signIn(claims: Record<string, unknown> = {}, browser = new TestBrowser()) {
  const start = await browser.get(url('/_latchkey/start?rd=/home'));
  const callback = new URL(h.op.authorize(start.headers.get('location')!, { claims }));
  const done = await browser.get(url(callback.pathname + callback.search));
  return { browser, done };
}

const sessionChunks = (browser: TestBrowser) =>
  [...browser.cookies.keys()].filter((name) => name.startsWith('latchkey.')).sort();

function copyOf(browser: TestBrowser, change: (cookies: Map<string, string>) => void = () => {}) {
  const copy = new TestBrowser();
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  change(copy.cookies);
  return copy;
}

describe('cookie-only sessions (session.store: cookie)', () => {
  test('sign-in keeps the whole session in one sealed cookie; the upstream sees the user, not the cookie', async () => {
    const { browser, done } = await signIn({ email: 'alice@example' });
    assert.equal(done.status, 302);
    assert.deepEqual(sessionChunks(browser), ['latchkey.0']);
    assert.equal(browser.cookies.has('latchkey'), false);
    const response = await browser.get(url('/home'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as SeenRequest;
    assert.equal(body.headers['x-auth-request-email'], 'alice@example');
    assert.equal(String(body.headers.cookie ?? '').includes('latchkey'), false);
  });

  test('S3: signing in again issues a new cookie value', async () => {
    const { browser } = await signIn();
    const first = browser.cookies.get('latchkey.0');
    await signIn({}, browser);
    assert.notEqual(browser.cookies.get('latchkey.0'), first);
    assert.equal((await browser.get(url('/home'))).status, 200);
  });

  test('a session too large for one cookie is split into numbered chunks, read back whole', async () => {
    const { browser, done } = await signIn({ padding: 'p'.repeat(1500) });
    assert.equal(done.status, 302, await done.clone().text());
    assert.ok(sessionChunks(browser).length >= 2, sessionChunks(browser).join());
    assert.equal((await browser.get(url('/home'))).status, 200);
    // A later, smaller session clears the chunks it no longer needs.
    await signIn({}, browser);
    assert.deepEqual(sessionChunks(browser), ['latchkey.0']);
  });

  test('a session beyond the chunk bound is refused at sign-in with a clear page', async () => {
    const { browser, done } = await signIn({ padding: 'p'.repeat(6000) });
    assert.equal(done.status, 500, await done.clone().text());
    assert.match(await done.text(), /session\.store: server/);
    assert.deepEqual(sessionChunks(browser), []);
  });

  test('S6: a tampered, missing, reordered or foreign chunk is refused', async () => {
    const { browser } = await signIn({ padding: 'p'.repeat(1500) });
    const flip = (value: string) => `${value.slice(0, 30)}${value[30] === 'A' ? 'B' : 'A'}${value.slice(31)}`;
    const variants: [string, (c: Map<string, string>) => void][] = [
      ['tampered first chunk', (c) => c.set('latchkey.0', flip(c.get('latchkey.0')!))],
      ['tampered second chunk', (c) => c.set('latchkey.1', flip(c.get('latchkey.1')!))],
      ['missing second chunk', (c) => c.delete('latchkey.1')],
      [
        'chunks swapped',
        (c) => {
          const zero = c.get('latchkey.0')!;
          c.set('latchkey.0', c.get('latchkey.1')!);
          c.set('latchkey.1', zero);
        },
      ],
      ['pre-login cookie as session', (c) => c.set('latchkey.0', c.get('latchkey-login') ?? 'garbage')],
    ];
    for (const [name, change] of variants) {
      assert.equal((await copyOf(browser, change).get(url('/home'))).status, 302, name);
    }
    assert.equal((await browser.get(url('/home'))).status, 200);
  });

  test('the session ends after cookie.maxAge (1 h by default for cookie-only sessions)', async () => {
    const { browser } = await signIn();
    h.clock.now += 3_599_000;
    assert.equal((await copyOf(browser).get(url('/home'))).status, 200);
    h.clock.now += 1_000;
    assert.equal((await browser.get(url('/home'))).status, 302);
  });

  test('logout clears every session chunk in the browser', async () => {
    const { browser } = await signIn({ padding: 'p'.repeat(1500) });
    const response = await browser.get(url('/_latchkey/logout'));
    const cleared = response.headers
      .getSetCookie()
      .filter((line) => /^latchkey\.\d=;/.test(line) && /Max-Age=0/.test(line));
    assert.equal(cleared.length, 3);
    assert.deepEqual(sessionChunks(browser), []);
    assert.equal((await browser.get(url('/home'))).status, 302);
  });
});

test('session.store is server by default and validated naming the key', () => {
  const raw = {
    publicUrl: 'https://gw.example',
    cookie: { secret: 'x'.repeat(32) },
    providers: [{ id: 'op', issuer: 'https://op.example', clientId: 'gw' }],
    routes: [{ path: '/', policy: 'authenticated' }],
  };
  const server = loadGatewayConfig({ env: {}, raw });
  assert.equal(server.sessionStore, 'server');
  assert.equal(server.cookie.maxAge, 12 * 3600);
  const cookie = loadGatewayConfig({ env: {}, raw: { ...raw, session: { store: 'cookie' } } });
  assert.equal(cookie.sessionStore, 'cookie');
  assert.equal(cookie.cookie.maxAge, 3600);
  assert.equal(cookie.cookie.name, '__Host-latchkey');
  assert.throws(
    () => loadGatewayConfig({ env: {}, raw: { ...raw, session: { store: 'redis' } } }),
    /session\.store: "redis" must be server or cookie/,
  );
});
