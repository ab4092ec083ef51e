/**
 * "Try a sign-in" over plain HTTP, against `startProvider` on a development issuer: the landing page,
 * the demo's redirect (code + PKCE + state + nonce), the normal login and consent pages, and the
 * callback page with both tokens decoded and verified against the live JWKS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import { HttpBrowser, isRedirect, readForm } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider;
before(async () => {
  op = await startTestProvider();
});
after(() => op.close());

async function landing(browser: HttpBrowser): Promise<string> {
  const response = await browser.request(`${op.issuer}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  return response.text();
}

describe('the landing page and Try a sign-in on a development issuer', () => {
  test('with no user yet, / explains what runs and prints the latchkey user create command', async () => {
    const page = await landing(new HttpBrowser(op.issuer));
    assert.match(page, /<h1 id="page-title">Latchkey is running<\/h1>/);
    assert.ok(page.includes(`${op.issuer}/.well-known/openid-configuration`));
    assert.ok(page.includes(`${op.issuer}/jwks`));
    assert.match(page, /npx latchkey user create --username alice/);
    assert.match(page, /href="\/demo\/start">Try a sign-in</);
  });

  test('Try a sign-in goes through login and consent and shows both tokens, decoded and verified', async () => {
    await createUser(op.provider.stores, {
      username: 'alice',
      password: 'correct horse battery staple',
      email: 'alice@example.com',
      name: 'Alice Liddell',
    });
    const browser = new HttpBrowser(op.issuer);
    const page = await landing(browser);
    assert.doesNotMatch(page, /npx latchkey user create/, 'the command is shown only while no user exists');

    const start = await browser.request(`${op.issuer}/demo/start`);
    assert.equal(start.status, 303);
    const authorize = new URL(start.headers.get('location')!);
    assert.equal(authorize.origin + authorize.pathname, `${op.issuer}/authorize`);
    assert.equal(authorize.searchParams.get('client_id'), 'latchkey-demo');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${op.issuer}/demo/callback`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    for (const name of ['state', 'nonce', 'code_challenge'])
      assert.ok(authorize.searchParams.get(name), `${name} is sent`);

    const callback = await signInOverHttp({
      browser,
      authorizationUrl: authorize,
      username: 'alice',
      password: 'correct horse battery staple',
    });
    assert.equal(callback.origin + callback.pathname, `${op.issuer}/demo/callback`);
    const result = await browser.request(callback.href);
    const text = await result.text();
    assert.equal(result.status, 200, text.slice(0, 2000));
    assert.match(text, /Signed in: the tokens/);
    for (const section of ['ID token', 'Access token']) assert.ok(text.includes(`>${section}</h2>`), section);
    for (const check of ['signature', 'iss', 'aud', 'exp', 'typ'])
      assert.equal(
        text.split(`<strong>${check}</strong>`).length - 1,
        2,
        `${check} is listed for both tokens`,
      );
    assert.match(text, /&quot;typ&quot;: &quot;at\+jwt&quot;/);
    assert.match(text, /&quot;preferred_username&quot;|&quot;name&quot;: &quot;Alice Liddell&quot;/);
    assert.match(text, /curl -H &quot;Authorization: Bearer \$ACCESS_TOKEN&quot;/);
    assert.match(text, /createVerifier\(\{/);

    // The callback's state is single use: the same URL again is refused with a page, not tokens.
    const replay = await browser.request(callback.href);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /has expired, or was started in another browser/);
  });

  test('choosing Deny on the consent page ends on a page saying so, with no tokens', async () => {
    await createUser(op.provider.stores, { username: 'bob', password: 'another long passphrase' });
    const browser = new HttpBrowser(op.issuer);
    const start = await browser.request(`${op.issuer}/demo/start`);
    const loginPage = await browser.follow(start.headers.get('location')!);
    const login = readForm(await loginPage.text(), op.issuer);
    const afterLogin = await browser.request(login.action, {
      form: { ...login.hidden, username: 'bob', password: 'another long passphrase' },
    });
    const consentPage = await browser.follow(new URL(afterLogin.headers.get('location')!, op.issuer).href);
    const consent = readForm(await consentPage.text(), op.issuer);
    const denied = await browser.request(consent.action, { form: { ...consent.hidden, decision: 'deny' } });
    const callback = new URL(denied.headers.get('location')!);
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    const page = await browser.request(callback.href);
    assert.equal(page.status, 400);
    const text = await page.text();
    assert.match(text, /You chose Deny, so the demo application received no tokens/);
    assert.doesNotMatch(text, /eyJ/, 'no token on the page');
  });

  test('A7: the demo refuses a callback from another browser (no demo cookie) with a page', async () => {
    const response = await new HttpBrowser(op.issuer).request(`${op.issuer}/demo/callback?code=x&state=y`);
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.ok(!isRedirect(response));
  });

  test('A7: the demo refuses a callback whose state is not the one this browser started with', async () => {
    const browser = new HttpBrowser(op.issuer);
    const start = await browser.request(`${op.issuer}/demo/start`);
    assert.equal(start.status, 303);
    const response = await browser.request(
      `${op.issuer}/demo/callback?code=x&state=not-the-state&iss=${encodeURIComponent(op.issuer)}`,
    );
    assert.equal(response.status, 400);
    assert.match(await response.text(), /<code>ERR_CLIENT_STATE_MISMATCH<\/code>/);
  });
});
