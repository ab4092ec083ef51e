// The gateway against Latchkey's own provider (startProvider on a fresh SQLite data dir, issuer = its
// own URL): browser sign-in in headless chromium with the provider's login and consent pages, identity
// from the ID token reaching the upstream, RP-initiated logout through the gateway ending both sessions,
// back-channel logout from the provider ending the gateway's session; and API mode with a
// client_credentials access token (RFC 9068) accepted where an ID token is refused (J21).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Gateway, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { createOidcClient } from '@latchkey/oidc';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import type { Page } from 'playwright-core';
import { startUpstream } from '../../packages/gateway/test/helpers/upstream.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';
import { launchChromium } from './chromium.js';
import { freePort, waitFor } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const API_SCOPE = 'orders.read';

let gatewayDir: string | undefined;
let op: TestProvider | undefined;
let provider: RunningProvider;
let gateway: Gateway;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let issuer: string;
let gatewayOrigin: string;
let service: { clientId: string; secret: string };
let gatewaySecret: string;

before(async () => {
  op = await startTestProvider();
  provider = op.provider;
  issuer = op.issuer;
  const gatewayPort = await freePort();
  // Another host name than the provider's: cookies ignore ports, so on one host the browser would send
  // each side's cookies to the other (and the gateway would rightly pass the provider's upstream).
  gatewayOrigin = `http://localhost:${gatewayPort}`;
  gatewayDir = mkdtempSync(join(tmpdir(), 'latchkey-gateway-db-'));
  const gatewayClient = await createClient(provider.stores, {
    name: 'Latchkey gateway',
    clientId: 'gateway',
    redirectUris: [`${gatewayOrigin}/_latchkey/callback`],
    // The gateway sends RP-initiated logout back to its public URL.
    postLogoutRedirectUris: [`${gatewayOrigin}/`],
    scopes: ['openid', 'profile', 'email'],
    grantTypes: ['authorization_code', 'refresh_token'],
    backchannelLogoutUri: `${gatewayOrigin}/_latchkey/backchannel-logout`,
  });
  // A machine client for API mode: its tokens are audience-restricted to the gateway's /api resource.
  const machine = await createClient(provider.stores, {
    name: 'Order sync job',
    clientId: 'order-sync',
    grantTypes: ['client_credentials'],
    scopes: [API_SCOPE],
    allowedResources: [`${gatewayOrigin}/api`],
  });
  service = { clientId: 'order-sync', secret: machine.secret! };
  gatewaySecret = gatewayClient.secret!;
  await createUser(provider.stores, {
    username: 'alice',
    password: PASSWORD,
    email: 'alice@example.com',
    name: 'Alice Liddell',
  });
  upstream = await startUpstream();
  gateway = await startGateway(
    loadGatewayConfig({
      env: {},
      raw: {
        listen: { host: '127.0.0.1', port: gatewayPort },
        publicUrl: gatewayOrigin,
        databaseUrl: `sqlite:${join(gatewayDir, 'gateway.db')}`,
        cookie: { secret: randomBytes(32).toString('base64url') },
        providers: [
          {
            id: 'latchkey',
            issuer,
            clientId: 'gateway',
            clientSecret: gatewayClient.secret!,
            scopes: ['openid', 'profile', 'email'],
          },
        ],
        upstreams: [{ id: 'app', url: upstream.url }],
        routes: [
          { path: '/', upstream: 'app', policy: 'authenticated' },
          { path: '/api', upstream: 'app', mode: 'api', policy: { require: [`scope:${API_SCOPE}`] } },
          // J21: a route whose audience is the gateway's client id, so an ID token's iss, aud and
          // signature all pass there and only its type can refuse it.
          {
            path: '/id-audience',
            upstream: 'app',
            mode: 'api',
            audience: 'gateway',
            policy: 'authenticated',
          },
        ],
      },
    }),
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await gateway?.close();
  await upstream?.close();
  await op?.close();
  if (gatewayDir !== undefined) rmSync(gatewayDir, { recursive: true, force: true });
});

/** The provider's sign-in form: the answer of its authorization endpoint when sign-in comes first. */
function isProviderLogin(url: URL): boolean {
  return url.origin === issuer && url.pathname === '/authorize';
}

/** Fills the provider's login form, then approves consent if the provider asks for it. */
async function signInAtProvider(page: Page): Promise<void> {
  assert.ok(isProviderLogin(new URL(page.url())), page.url());
  await page.fill('input[name=username]', 'alice');
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.origin !== issuer || url.pathname === '/consent'),
    page.click('button[type=submit]'),
  ]);
  if (new URL(page.url()).pathname === '/consent') {
    await Promise.all([
      page.waitForURL((url) => url.origin === gatewayOrigin),
      page.click('button[name=decision][value=approve]'),
    ]);
  }
}

/** What the upstream saw, as it echoes it. */
async function seenBy(page: Page): Promise<{ url: string; headers: Record<string, string> }> {
  return JSON.parse((await page.textContent('body')) ?? '{}');
}

/** The gateway's answer to a navigation carrying only this session cookie. */
function withSession(cookie: string): Promise<Response> {
  return fetch(`${gatewayOrigin}/dashboard`, {
    headers: { cookie: `latchkey=${cookie}`, accept: 'text/html' },
    redirect: 'manual',
  });
}

async function sessionCookie(): Promise<string> {
  const cookies = await browser.context.cookies(gatewayOrigin);
  const session = cookies.find((c) => c.name === 'latchkey');
  assert.ok(session, 'the gateway set its session cookie');
  assert.ok(session.httpOnly);
  assert.equal(session.sameSite, 'Lax');
  return session.value;
}

test('a browser signs in at Latchkey through the gateway, reaches the upstream as that user, and logs out of both', {
  timeout: 20_000,
}, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${gatewayOrigin}/dashboard?tab=2`);
  await signInAtProvider(page);
  await page.waitForURL(`${gatewayOrigin}/dashboard?tab=2`);
  const seen = await seenBy(page);
  assert.equal(seen.url, '/dashboard?tab=2');
  // preferred_username and email come from the ID token (scopes profile, email).
  assert.equal(seen.headers['x-auth-request-user'], 'alice');
  assert.equal(seen.headers['x-auth-request-email'], 'alice@example.com');
  // The gateway's own cookies never reach the upstream.
  assert.doesNotMatch(String(seen.headers['cookie'] ?? ''), /latchkey/);
  const cookie = await sessionCookie();
  assert.equal((await withSession(cookie)).status, 200);

  // RP-initiated logout through the gateway: the provider ends its session (the hint matches, so no
  // confirmation), returns to the gateway, which has no session either, so the browser is sent to sign in.
  await page.goto(`${gatewayOrigin}/_latchkey/logout`);
  await page.waitForURL(isProviderLogin);
  assert.equal((await withSession(cookie)).status, 302);
  await page.close();
});

test('logging out at the provider ends the gateway session through the back channel', {
  timeout: 20_000,
}, async () => {
  const page = await browser.context.newPage();
  await page.goto(`${gatewayOrigin}/reports`);
  await signInAtProvider(page);
  await page.waitForURL(`${gatewayOrigin}/reports`);
  assert.equal((await seenBy(page)).headers['x-auth-request-user'], 'alice');
  const cookie = await sessionCookie();
  assert.equal((await withSession(cookie)).status, 200);

  // At the provider, without an id_token_hint: it asks, the person confirms, and every client of the
  // session gets a logout token (Back-Channel Logout §2.5) — the gateway's names this session's sid.
  await page.goto(`${issuer}/logout`);
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
  await waitFor(async () => (await withSession(cookie)).status === 302, 5000);
  // The browser still holds the cookie, but it opens no session any more.
  await page.goto(`${gatewayOrigin}/reports`);
  await page.waitForURL(isProviderLogin);
  await page.close();
});

async function clientCredentialsToken(): Promise<string> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${service.clientId}:${service.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: API_SCOPE }).toString(),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

test('API mode accepts a Latchkey client_credentials access token for the gateway resource', async () => {
  const token = await clientCredentialsToken();
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
  assert.equal(header.typ, 'at+jwt');
  const response = await fetch(`${gatewayOrigin}/api/orders`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  const seen = (await response.json()) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/api/orders');
  assert.equal(seen.headers['x-auth-request-user'], service.clientId);
  // The bearer token itself is forwarded as sent; identity headers are the gateway's.
  assert.equal(seen.headers['authorization'], `Bearer ${token}`);
});

/**
 * A genuine ID token for the gateway client: the browser signs in at the provider for an authorization
 * request made here; the gateway refuses the callback (it never started this sign-in, so the state is
 * unknown to it and the code stays unused), and the code is exchanged here.
 */
async function idTokenFromSignIn(): Promise<string> {
  const redirectUri = `${gatewayOrigin}/_latchkey/callback`;
  const rp = createOidcClient({
    issuer,
    clientId: 'gateway',
    clientSecret: gatewaySecret,
    redirectUri,
    scopes: ['openid', 'profile', 'email'],
  });
  const start = await rp.startAuthorization();
  const page = await browser.context.newPage();
  const callback = page.waitForRequest((request) => request.url().startsWith(redirectUri));
  await page.goto(start.url);
  if (isProviderLogin(new URL(page.url()))) await signInAtProvider(page);
  const url = new URL((await callback).url());
  await page.close();
  const tokens = await rp.handleCallback(url.searchParams, start);
  return tokens.idToken;
}

test('J21: API mode refuses a Latchkey ID token used as a bearer token, even where its audience fits', {
  timeout: 20_000,
}, async () => {
  const idToken = await idTokenFromSignIn();
  const header = JSON.parse(Buffer.from(idToken.split('.')[0]!, 'base64url').toString('utf8'));
  assert.notEqual(header.typ, 'at+jwt');
  for (const path of ['/api/orders', '/id-audience/x']) {
    const response = await fetch(`${gatewayOrigin}${path}`, {
      headers: { authorization: `Bearer ${idToken}` },
    });
    assert.equal(response.status, 401, path);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /error="invalid_token"/, path);
    assert.match(challenge, /typ/, path);
  }
  // The same route takes an access token; only the token's type decided.
  const token = await clientCredentialsToken();
  const response = await fetch(`${gatewayOrigin}/api/orders`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
});
