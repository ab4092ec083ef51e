import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import {
  authorizeParams,
  Browser,
  CLIENT_ID,
  createHarness,
  type Harness,
  hiddenInput,
  isConsentForm,
  PASSWORD,
  REDIRECT_URI,
  responseParams,
} from '../authorize/harness.js';

let h: Harness;
before(async () => {
  h = await createHarness();
  await h.stores.clients.create({
    ...(await h.stores.clients.get(CLIENT_ID))!,
    clientId: 'evil-name',
    name: '<img src=x onerror=alert(1)> Evil & Co',
  });
});
after(() => h.close());
// Each test starts with nothing consented.
beforeEach(async () => {
  await h.stores.consents.revoke(h.userId, CLIENT_ID);
});

/** Signs a fresh browser in and returns it with the consent page it lands on. */
async function consentPage(overrides: Record<string, string | undefined> = {}, browser = new Browser(h.app)) {
  let response = await browser.authorize(authorizeParams(overrides));
  const login = await browser.loginForm(response);
  if (login !== undefined) response = await browser.submitLogin(login, 'alice', PASSWORD);
  assert.match(String(response.headers.location), /^\/consent\?interaction=/);
  const page = await browser.follow(response);
  assert.equal(page.statusCode, 200);
  return { browser, page };
}

function clientParams(response: LightMyRequestResponse): URLSearchParams {
  assert.equal(response.statusCode, 303);
  const location = String(response.headers.location);
  assert.ok(location.startsWith(`${REDIRECT_URI}?`), location);
  return responseParams(location);
}

describe('the consent page', () => {
  test('names the client, each requested scope from the registry, and who is signed in; approve and deny buttons', async () => {
    const { page } = await consentPage({ scope: 'openid profile email' });
    assert.match(page.body, /<strong>Example App<\/strong> would like to:/);
    assert.match(page.body, /<li>Sign you in and know who you are<\/li>/);
    assert.match(page.body, /<li>See your name and basic profile<\/li>/);
    assert.match(page.body, /<li>See your email address<\/li>/);
    assert.match(page.body, /Signed in as <strong>Alice Example<\/strong>/);
    assert.match(page.body, /<button type="submit" name="decision" value="approve"/);
    assert.match(page.body, /<button type="submit" name="decision" value="deny"/);
    assert.match(page.body, /<input type="hidden" name="csrf_token" value="[\w-]{43}">/);
  });

  test('says in plain words what the groups scope shares', async () => {
    const { updateClient } = await import('@latchkey/provider');
    await updateClient(h.stores, CLIENT_ID, { scopes: { add: ['groups'] } });
    const { page } = await consentPage({ scope: 'openid groups' });
    assert.match(page.body, /<li>See the groups you belong to<\/li>/);
  });

  test('escapes the client name', async () => {
    const { page } = await consentPage({ client_id: 'evil-name' });
    assert.doesNotMatch(page.body, /<img src=x/);
    assert.match(page.body, /&lt;img src=x onerror=alert\(1\)&gt; Evil &amp; Co/);
  });

  test('deny sends access_denied with state and iss to the client', async () => {
    const { browser, page } = await consentPage({ scope: 'openid phone' });
    const params = clientParams(await browser.submitConsent(page, 'deny'));
    assert.equal(params.get('error'), 'access_denied');
    assert.equal(params.get('state'), 'state-123');
    assert.equal(params.get('iss'), h.config.issuer);
    assert.equal(params.get('code'), null);
  });

  test('approve sends a code and remembers the consent per user, client and scopes', async () => {
    const { browser, page } = await consentPage({ scope: 'openid address' });
    assert.ok(clientParams(await browser.submitConsent(page, 'approve')).get('code'));
    const consent = await h.stores.consents.get(h.userId, CLIENT_ID);
    assert.ok(consent?.scopes.includes('address'));
    // The same scopes again: no consent page.
    assert.ok(
      clientParams(await browser.authorize(authorizeParams({ scope: 'openid address' }))).get('code'),
    );
    // A scope never granted: the consent page again, as the answer of /authorize itself.
    const wider = await browser.authorize(authorizeParams({ scope: 'openid address offline_access' }));
    assert.ok(isConsentForm(wider), `status ${wider.statusCode}`);
  });

  test('prompt=consent shows the page even when consent is remembered', async () => {
    const browser = new Browser(h.app);
    const first = await consentPage({}, browser);
    await browser.submitConsent(first.page, 'approve');
    const again = await browser.authorize(authorizeParams({ prompt: 'consent' }));
    assert.ok(isConsentForm(again), `status ${again.statusCode}`);
    // The page's form works like the one /consent shows after a sign-in.
    assert.ok(clientParams(await browser.submitConsent(again, 'approve')).get('code'));
  });

  test('an unknown decision changes nothing', async () => {
    const { browser, page } = await consentPage({ scope: 'openid phone' });
    const response = await browser.post('/consent', {
      interaction: hiddenInput(page.body, 'interaction'),
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      decision: 'maybe',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers.location, undefined);
  });

  test('consent is given only by the session that signed in for this request', async () => {
    const { browser, page } = await consentPage({ scope: 'openid phone' });
    browser.cookies.delete('latchkey-session');
    const response = await browser.submitConsent(page, 'approve');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /sign in again/);
  });

  test('S4: a consent POST without the CSRF token, or from another site, is refused', async () => {
    const { browser, page } = await consentPage({ scope: 'openid phone' });
    const form = { interaction: hiddenInput(page.body, 'interaction'), decision: 'approve' };
    assert.equal((await browser.post('/consent', form)).statusCode, 403);
    const withToken = { ...form, csrf_token: hiddenInput(page.body, 'csrf_token') };
    assert.equal(
      (await browser.post('/consent', withToken, { origin: 'https://evil.example.com' })).statusCode,
      403,
    );
    assert.equal((await browser.post('/consent', withToken)).statusCode, 303, 'the genuine form still works');
  });

  test('A11: the consent POST is answered with 303', async () => {
    const { browser, page } = await consentPage({ scope: 'openid phone' });
    assert.equal((await browser.submitConsent(page, 'approve')).statusCode, 303);
  });
});

describe('claims asked for by name (OIDC Core §5.5) and consent', () => {
  // The exact request of issue 20, item 2.
  const EMAIL_BY_NAME = JSON.stringify({
    userinfo: { email: null },
    id_token: { email: { essential: true } },
  });

  test('the consent page shows a claim asked for through the claims parameter, in plain words', async () => {
    const { page } = await consentPage({ scope: 'openid', claims: EMAIL_BY_NAME });
    assert.match(page.body, /<li>Sign you in and know who you are<\/li>/);
    assert.match(page.body, /<li>See your email address<\/li>/);
  });

  test('approving remembers the claims with the scopes, and prompt=none with them then issues a code', async () => {
    const { browser, page } = await consentPage({ scope: 'openid', claims: EMAIL_BY_NAME });
    assert.ok(clientParams(await browser.submitConsent(page, 'approve')).get('code'));
    const consent = await h.stores.consents.get(h.userId, CLIENT_ID);
    assert.deepEqual(consent?.scopes, ['openid']);
    assert.deepEqual(consent?.claims, ['email']);
    const silent = await browser.authorize(
      authorizeParams({ scope: 'openid', claims: EMAIL_BY_NAME, prompt: 'none' }),
    );
    assert.ok(clientParams(silent).get('code'));
  });

  test('prompt=none with a claim never consented answers consent_required, though openid is remembered', async () => {
    const { browser, page } = await consentPage({ scope: 'openid' });
    assert.ok(clientParams(await browser.submitConsent(page, 'approve')).get('code'));
    const silent = await browser.authorize(
      authorizeParams({ scope: 'openid', claims: EMAIL_BY_NAME, prompt: 'none' }),
    );
    const params = clientParams(silent);
    assert.equal(params.get('error'), 'consent_required');
    assert.equal(params.get('code'), null);
    // Without prompt=none the person is asked, with the claim on the page.
    const asked = await browser.authorize(authorizeParams({ scope: 'openid', claims: EMAIL_BY_NAME }));
    assert.ok(isConsentForm(asked), `status ${asked.statusCode}`);
    assert.match(asked.body, /<li>See your email address<\/li>/);
  });

  test('a claim a consented scope already releases needs no consent of its own', async () => {
    const { browser, page } = await consentPage({ scope: 'openid email' });
    assert.ok(clientParams(await browser.submitConsent(page, 'approve')).get('code'));
    const silent = await browser.authorize(
      authorizeParams({ scope: 'openid', claims: EMAIL_BY_NAME, prompt: 'none' }),
    );
    assert.ok(clientParams(silent).get('code'));
  });

  test('consenting to one claim by name does not cover another', async () => {
    const { browser, page } = await consentPage({ scope: 'openid', claims: EMAIL_BY_NAME });
    assert.ok(clientParams(await browser.submitConsent(page, 'approve')).get('code'));
    const phone = JSON.stringify({ userinfo: { phone_number: null } });
    const silent = await browser.authorize(
      authorizeParams({ scope: 'openid', claims: phone, prompt: 'none' }),
    );
    assert.equal(clientParams(silent).get('error'), 'consent_required');
  });
});
