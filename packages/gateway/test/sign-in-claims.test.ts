// Sign-in against a provider that states profile and email claims only at UserInfo (OIDC Core §5.4),
// and what a refused or failed callback answers.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { TestBrowser } from './helpers/browser.js';
import { type Harness, startHarness } from './helpers/gateway.js';
import { signIn } from './helpers/sign-in.js';
import type { SeenRequest } from './helpers/upstream.js';

/** What the fake UserInfo endpoint answers next, and how often it was asked. */
const userinfo: { body: Record<string, unknown>; status: number; calls: number; token: string | null } = {
  body: {},
  status: 200,
  calls: 0,
  token: null,
};

let h: Harness;
before(async () => {
  h = await startHarness({}, (fetch, op) => async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href === `${op.issuer}/.well-known/openid-configuration`) {
      const metadata = (await (await fetch(input, init)).json()) as Record<string, unknown>;
      return Response.json({ ...metadata, userinfo_endpoint: `${op.issuer}/userinfo` });
    }
    if (url.href === `${op.issuer}/userinfo`) {
      userinfo.calls++;
      userinfo.token = new Headers(init?.headers).get('authorization');
      return Response.json(userinfo.body, { status: userinfo.status });
    }
    return fetch(input, init);
  });
});
after(() => h.close());
beforeEach(() => {
  userinfo.body = { sub: 'alice' };
});

const url = (path: string) => `${h.gateway.url}${path}`;

async function seenBy(browser: TestBrowser, path: string): Promise<SeenRequest> {
  const response = await browser.get(url(path));
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as SeenRequest;
}

/** Starts a sign-in and returns the callback path the provider sends the browser to. */
async function callbackFor(browser: TestBrowser, claims: Record<string, unknown> = {}): Promise<string> {
  const start = await browser.get(url('/_latchkey/start?rd=/home'));
  const callback = new URL(h.op.authorize(start.headers.get('location')!, { claims }));
  return callback.pathname + callback.search;
}

describe('provider-neutral claims: UserInfo at sign-in', () => {
  test('an ID token with only sub: email, username and groups come from UserInfo', async () => {
    userinfo.body = {
      sub: 'alice',
      email: 'alice@example.org',
      preferred_username: 'alice.l',
      groups: ['admins'],
    };
    const calls = userinfo.calls;
    const browser = await signIn(h);
    assert.equal(userinfo.calls, calls + 1);
    assert.match(userinfo.token!, /^Bearer /);
    const seen = await seenBy(browser, '/home');
    assert.equal(seen.headers['x-auth-request-user'], 'alice.l');
    assert.equal(seen.headers['x-auth-request-email'], 'alice@example.org');
    assert.equal(seen.headers['x-auth-request-groups'], 'admins');
    // The policy of /admin (group:admins) reads the groups UserInfo gave.
    await seenBy(browser, '/admin/x');
  });

  test('the ID token wins over UserInfo, and protocol claims are never taken from it', async () => {
    userinfo.body = {
      sub: 'alice',
      email: 'other@example.org',
      preferred_username: 'mallory',
      groups: ['admins'],
      sid: 'x',
    };
    const browser = await signIn(h, { email: 'alice@example.org', groups: ['staff'] });
    const seen = await seenBy(browser, '/home');
    assert.equal(seen.headers['x-auth-request-email'], 'alice@example.org');
    assert.equal(seen.headers['x-auth-request-user'], 'mallory');
    assert.equal(seen.headers['x-auth-request-groups'], 'staff');
  });

  test('claims from UserInfo stay with the session when a refresh brings a new ID token', async () => {
    userinfo.body = { sub: 'alice', preferred_username: 'alice.l' };
    const browser = await signIn(h);
    const exchanges = h.op.requests.length;
    h.clock.now += 280_000; // within refreshBefore of the access token's expiry
    const seen = await seenBy(browser, '/home');
    assert.equal(h.op.requests.at(-1)!.body.get('grant_type'), 'refresh_token');
    assert.equal(h.op.requests.length, exchanges + 1);
    assert.equal(seen.headers['x-auth-request-user'], 'alice.l');
  });

  test('UserInfo is not called when the ID token has every claim the gateway reads', async () => {
    const calls = userinfo.calls;
    await signIn(h, { email: 'a@example.org', preferred_username: 'a', groups: [] });
    assert.equal(userinfo.calls, calls);
  });

  test('UserInfo naming another sub is not used: the sign-in fails with 502 and no session', async () => {
    userinfo.body = { sub: 'mallory', email: 'mallory@example.org' };
    const browser = new TestBrowser();
    const response = await browser.get(url(await callbackFor(browser)));
    assert.equal(response.status, 502);
    assert.match(await response.text(), /ERR_USERINFO_FAILED/);
    assert.equal(browser.cookies.has('latchkey'), false);
  });

  test('UserInfo answering an error fails the sign-in with 502', async () => {
    userinfo.status = 500;
    try {
      const browser = new TestBrowser();
      assert.equal((await browser.get(url(await callbackFor(browser)))).status, 502);
      assert.equal(browser.cookies.has('latchkey'), false);
    } finally {
      userinfo.status = 200;
    }
  });
});

describe('a refused callback is the browser’s 4xx; 502 only when the provider fails', () => {
  test('a code the provider does not know (invalid_grant) is a 400 HTML page', async () => {
    const browser = new TestBrowser();
    const callback = new URL(url(await callbackFor(browser)));
    callback.searchParams.set('code', 'forged-code');
    const response = await browser.get(callback.href);
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    assert.match(await response.text(), /Sign-in failed/);
    assert.equal(browser.cookies.has('latchkey'), false);
  });

  test('a code used twice (with a fresh state) is a 400', async () => {
    const browser = new TestBrowser();
    const first = await callbackFor(browser);
    const used = new URL(url(first)).searchParams.get('code')!;
    assert.equal((await browser.get(url(first))).status, 302);
    const again = new URL(url(await callbackFor(browser)));
    again.searchParams.set('code', used);
    assert.equal((await browser.get(again.href)).status, 400);
  });

  const providerFailures: [string, () => Response][] = [
    [
      'the token endpoint refusing the gateway (invalid_client)',
      () => Response.json({ error: 'invalid_client' }, { status: 401 }),
    ],
    ['the token endpoint failing (503)', () => new Response('down', { status: 503 })],
    ['a token response that is not JSON', () => new Response('<html>', { status: 200 })],
  ];
  for (const [name, answer] of providerFailures) {
    test(`${name} is a 502`, async () => {
      h.op.tokenResponse = answer;
      try {
        const browser = new TestBrowser();
        const response = await browser.get(url(await callbackFor(browser)));
        assert.equal(response.status, 502);
        assert.match(response.headers.get('content-type')!, /^text\/html/);
      } finally {
        h.op.tokenResponse = undefined;
      }
    });
  }
});
