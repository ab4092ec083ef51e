/**
 * Everything a browser navigates to answers a finished HTML page in the sign-in pages' design, also
 * when it fails; APIs keep JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, createHarness, type Harness } from '../authorize/harness.js';
import { testProviderApp } from '../helpers/fixtures.js';

/** What node-postgres throws while PostgreSQL is down. */
const outage = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

function assertHtmlPage(response: { headers: Record<string, unknown>; body: string }, title: RegExp): void {
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
  assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
  assert.doesNotMatch(String(response.headers['content-security-policy']), /script-src/);
  // S5: no page may be framed.
  assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(response.headers['x-frame-options'], 'DENY');
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.match(response.body, /^<!doctype html>/);
  assert.match(response.body, /<link rel="stylesheet" href="\/assets\/latchkey\.css\?v=/);
  assert.match(response.body, title);
}

describe('a page whose database is down', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('the consent answer during an outage is an HTML page, 503 with Retry-After, not JSON', async () => {
    const browser = new Browser(h.app);
    let response = await browser.authorize(
      new URLSearchParams({
        response_type: 'code',
        client_id: 'example-app',
        redirect_uri: 'https://app.example.com/callback',
        scope: 'openid profile',
        state: 's',
        nonce: 'n',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    );
    const login = await browser.loginForm(response);
    assert.ok(login);
    response = await browser.submitLogin(login, 'alice', 'correct horse battery staple');
    const consent = await browser.follow(response);
    assert.equal(consent.statusCode, 200);
    const grant = h.stores.consents.grant;
    h.stores.consents.grant = async () => {
      throw outage();
    };
    try {
      const during = await browser.submitConsent(consent, 'approve');
      assert.equal(during.statusCode, 503);
      assert.equal(during.headers['retry-after'], '5');
      assertHtmlPage(during, /<h1 id="page-title">Temporarily unavailable<\/h1>/);
      assert.match(during.body, /<code>temporarily_unavailable<\/code>/);
      assert.doesNotMatch(during.body, /ECONNREFUSED/, 'no internal detail reaches the page');
    } finally {
      h.stores.consents.grant = grant;
    }
  });

  test('the sign-in form during an outage is an HTML page, 503 with Retry-After', async () => {
    const getByUsername = h.stores.users.getByUsername;
    const browser = new Browser(h.app);
    const first = await browser.authorize(
      new URLSearchParams({
        response_type: 'code',
        client_id: 'example-app',
        redirect_uri: 'https://app.example.com/callback',
        scope: 'openid',
        state: 's',
        nonce: 'n',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }),
    );
    const login = await browser.loginForm(first);
    assert.ok(login);
    h.stores.users.getByUsername = async () => {
      throw outage();
    };
    try {
      const during = await browser.submitLogin(login, 'alice', 'correct horse battery staple');
      assert.equal(during.statusCode, 503);
      assert.equal(during.headers['retry-after'], '5');
      assertHtmlPage(during, /Temporarily unavailable/);
    } finally {
      h.stores.users.getByUsername = getByUsername;
    }
  });

  test('an API answering a malformed request keeps its JSON', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/json' },
      payload: '{',
    });
    assert.match(String(response.headers['content-type']), /application\/json/);
  });
});

describe('GET / and unknown addresses', () => {
  test('S5: on a development issuer, / is the landing page with Try a sign-in, unframeable and not cached', async () => {
    const { app, close } = await testProviderApp();
    try {
      const response = await app.inject({ method: 'GET', url: '/' });
      assert.equal(response.statusCode, 200);
      assertHtmlPage(response, /<h1 id="page-title">Latchkey is running<\/h1>/);
      assert.match(response.body, /http:\/\/localhost:8080\/\.well-known\/openid-configuration/);
      assert.match(response.body, /href="\/demo\/start">Try a sign-in</);
      assert.match(response.body, /Admin console: <a href="http:\/\/localhost:8080\/admin">/);
      assert.match(response.body, /npx latchkey user create/);
    } finally {
      await close();
    }
  });

  test('on an https issuer, / is a minimal page and the demo does not exist', async () => {
    const { app, close } = await testProviderApp({ overrides: { issuer: 'https://id.example.com' } });
    try {
      const response = await app.inject({ method: 'GET', url: '/' });
      assert.equal(response.statusCode, 200);
      assertHtmlPage(response, /<h1 id="page-title">Sign-in service<\/h1>/);
      assert.doesNotMatch(response.body, /Try a sign-in|latchkey user create|demo|Admin console/);
      const demo = await app.inject({ method: 'GET', url: '/demo/start' });
      assert.equal(demo.statusCode, 404);
    } finally {
      await close();
    }
  });

  test('an unknown address answers a 404 page to a browser and JSON to anything else', async () => {
    const { app, close } = await testProviderApp();
    try {
      const page = await app.inject({ method: 'GET', url: '/nowhere', headers: { accept: 'text/html,*/*' } });
      assert.equal(page.statusCode, 404);
      assertHtmlPage(page, /<h1 id="page-title">Page not found<\/h1>/);
      const api = await app.inject({ method: 'GET', url: '/nowhere', headers: { accept: '*/*' } });
      assert.equal(api.statusCode, 404);
      assert.equal(api.json().error, 'not_found');
    } finally {
      await close();
    }
  });

  test('a malformed form posted to a page gets an HTML page naming the problem, not JSON', async () => {
    const { app, close } = await testProviderApp();
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a=1&a=2&'.repeat(20_000),
      });
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, String(response.statusCode));
      assertHtmlPage(response, /<h1 id="page-title">/);
    } finally {
      await close();
    }
  });
});
