/**
 * Issue 20 item 8: every database-backed endpoint answers 503 with Retry-After while PostgreSQL is down
 * (never a 500, never a stack in the log), and the same requests succeed once it is back, without
 * restarting the provider. The PostgreSQL stopped here is this test's own (test/helpers/private-postgres.ts).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  createClient,
  createLogger,
  createUser,
  type OpenedProviderStores,
  openProviderStores,
} from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import {
  authorizeParams,
  Browser,
  hiddenInput,
  PASSWORD,
  pkcePair,
  REDIRECT_URI,
  responseParams,
} from '../../packages/provider/test/authorize/harness.js';
import { basicAuth } from '../../packages/provider/test/helpers/basic-auth.js';
import { testProviderApp } from '../../packages/provider/test/helpers/fixtures.js';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/private-postgres.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const API = 'https://api.example.com';

let postgres: PrivatePostgres;
let stores: OpenedProviderStores;
let provider: Awaited<ReturnType<typeof testProviderApp>>;
const logLines: string[] = [];

before(async () => {
  postgres = await startPrivatePostgres();
  stores = await openProviderStores(postgres.url, { poolSize: 4 });
  await stores.migrate();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  provider = await testProviderApp({ stores, deps: { logger: createLogger('info', sink) } });
  await createClient(stores, {
    name: 'Example App',
    clientId: 'example-app',
    public: true,
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
  });
  secrets.web = (
    await createClient(stores, {
      name: 'Web',
      clientId: 'web',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile'],
    })
  ).secret!;
  secrets.svc = (
    await createClient(stores, {
      name: 'Service',
      clientId: 'svc',
      grantTypes: ['client_credentials'],
      scopes: ['reports:read'],
      allowedResources: [API],
    })
  ).secret!;
  await createUser(stores, { username: 'alice', password: PASSWORD, name: 'Alice Example' });
});
after(async () => {
  await provider?.close();
  await stores?.close().catch(() => {});
  await postgres?.close();
});
const secrets = { web: '', svc: '' };

const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  provider.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(body).toString(),
  });

/** A full sign-in of `web` through the pages; the token response, and the browser holding the session. */
async function signInWeb() {
  const browser = new Browser(provider.app);
  const pkce = pkcePair();
  const done = await browser.signIn(
    authorizeParams({ client_id: 'web', code_challenge: pkce.challenge, scope: 'openid profile' }),
  );
  const code = responseParams(String(done.headers.location)).get('code')!;
  const tokens = await form(
    '/token',
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier },
    { authorization: basicAuth('web', secrets.web) },
  );
  assert.equal(tokens.statusCode, 200, tokens.body);
  return { browser, tokens: tokens.json() as Record<string, string> };
}

/** A code issued and not yet redeemed. */
async function pendingCode() {
  const browser = new Browser(provider.app);
  const pkce = pkcePair();
  const done = await browser.signIn(authorizeParams({ client_id: 'web', code_challenge: pkce.challenge }));
  return { code: responseParams(String(done.headers.location)).get('code')!, verifier: pkce.verifier };
}

test('every database-backed endpoint answers 503 with Retry-After while PostgreSQL is down, and serves the same requests once it is back', {
  timeout: 120_000,
}, async () => {
  // Everything each request needs is prepared while the database is up.
  const web = basicAuth('web', secrets.web);
  const signedIn = await signInWeb();
  const code = await pendingCode();
  const loginBrowser = new Browser(provider.app);
  const loginPage = (await loginBrowser.loginForm(await loginBrowser.authorize(authorizeParams())))!;
  const consentBrowser = new Browser(provider.app);
  const consentPage = (await consentBrowser.consentForm(
    await consentBrowser.submitLogin(
      (await consentBrowser.loginForm(
        await consentBrowser.authorize(authorizeParams({ scope: 'openid email' })),
      ))!,
      'alice',
      PASSWORD,
    ),
  ))!;
  assert.ok(consentPage, 'the consent page is shown');
  const device = (await form('/device_authorization', { client_id: 'example-app', scope: 'openid' })).json();
  const devicePageBrowser = new Browser(provider.app);
  const devicePage = await devicePageBrowser.get('/device');
  const idToken = signedIn.tokens['id_token']!;

  const requests: [string, () => Promise<LightMyRequestResponse>][] = [
    [
      'GET /authorize with a session',
      () => signedIn.browser.authorize(authorizeParams({ client_id: 'web' })),
    ],
    ['POST /login', () => loginBrowser.submitLogin(loginPage, 'alice', PASSWORD)],
    ['POST /consent', () => consentBrowser.submitConsent(consentPage, 'approve')],
    [
      'POST /token authorization_code',
      () =>
        form(
          '/token',
          {
            grant_type: 'authorization_code',
            code: code.code,
            redirect_uri: REDIRECT_URI,
            code_verifier: code.verifier,
          },
          { authorization: web },
        ),
    ],
    [
      'POST /token refresh_token',
      () =>
        form(
          '/token',
          { grant_type: 'refresh_token', refresh_token: signedIn.tokens['refresh_token']! },
          { authorization: web },
        ),
    ],
    [
      'POST /token client_credentials',
      () =>
        form(
          '/token',
          { grant_type: 'client_credentials', resource: API },
          { authorization: basicAuth('svc', secrets.svc) },
        ),
    ],
    [
      'POST /token device_code',
      () =>
        form('/token', {
          grant_type: DEVICE_GRANT,
          device_code: device.device_code,
          client_id: 'example-app',
        }),
    ],
    [
      'GET /userinfo',
      () =>
        provider.app.inject({
          method: 'GET',
          url: '/userinfo',
          headers: { authorization: `Bearer ${signedIn.tokens['access_token']}` },
        }),
    ],
    [
      'POST /introspect',
      () => form('/introspect', { token: signedIn.tokens['refresh_token']! }, { authorization: web }),
    ],
    [
      'POST /device_authorization',
      () => form('/device_authorization', { client_id: 'example-app', scope: 'openid' }),
    ],
    [
      'POST /device',
      () =>
        devicePageBrowser.post('/device', {
          csrf_token: hiddenInput(devicePage.body, 'csrf_token'),
          user_code: device.user_code,
        }),
    ],
    [
      'POST /revoke',
      () => form('/revoke', { token: signedIn.tokens['refresh_token']! }, { authorization: web }),
    ],
    [
      'GET /logout with the session',
      () =>
        signedIn.browser.get(`/logout?${new URLSearchParams({ id_token_hint: idToken, client_id: 'web' })}`),
    ],
  ];

  await postgres.stop();
  const linesBefore = logLines.length;
  for (const [name, send] of requests) {
    const response = await send();
    assert.equal(response.statusCode, 503, `${name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    assert.equal(response.headers['retry-after'], '5', `${name} carries Retry-After`);
  }
  // A person in a browser gets a page saying so, not JSON.
  const page = await signedIn.browser.get(`/authorize?${authorizeParams({ client_id: 'web' })}`, {
    accept: 'text/html,application/xhtml+xml',
  });
  assert.equal(page.statusCode, 503);
  assert.equal(page.headers['retry-after'], '5');
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.match(page.body, /Temporarily unavailable/);
  const outageLog = logLines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(
    outageLog.filter((entry) => Number(entry['level']) >= 50).map((entry) => entry['msg']),
    [],
    'nothing is logged as an error',
  );
  assert.ok(
    outageLog.some((entry) => entry['msg'] === 'database unavailable'),
    'the outage is logged',
  );
  for (const line of logLines.slice(linesBefore)) assert.doesNotMatch(line, /"stack"|\n\s+at /);

  await postgres.start();
  // The pool reconnects by itself: the same requests succeed without restarting the provider.
  for (const [name, send] of requests) {
    const response = await send();
    assert.ok(
      response.statusCode < 500,
      `${name} after recovery: ${response.statusCode} ${response.body.slice(0, 200)}`,
    );
  }
});
