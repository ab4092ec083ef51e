/**
 * Sign-in in a real browser: headless Debian Chromium driven by playwright-core goes to /authorize,
 * fills the login form, approves consent, and lands on the client's redirect URI (a tiny local HTTP
 * server) with a code, state and iss. The provider is started with startProvider on a fresh SQLite data
 * dir. Screenshots of the login and consent pages go to the temp directory for a human to look at.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider | undefined;
let callbackServer: Server | undefined;
let browser: LaunchedChromium | undefined;
let issuer: string;
let redirectUri: string;
const callbacks: URL[] = [];

before(async () => {
  op = await startTestProvider();
  issuer = op.issuer;
  const { provider } = op;

  // The client: answers its redirect URI with a small page and remembers what it was sent.
  callbackServer = createHttpServer((request, response) => {
    callbacks.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Signed in</title><p>Signed in');
  });
  await new Promise<void>((resolve) => callbackServer!.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/callback`;

  await createClient(provider.stores, {
    name: 'Example Notes',
    clientId: 'example-notes',
    redirectUris: [redirectUri],
    scopes: ['openid', 'profile', 'email'],
  });
  await createUser(provider.stores, {
    username: 'alice',
    password: 'correct horse battery staple',
    email: 'alice@example.com',
    name: 'Alice Liddell',
  });

  browser = await launchChromium({ viewport: { width: 900, height: 760 } });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => callbackServer?.close(resolve) ?? resolve(undefined));
  await op?.close();
});

test('a person signs in with the login form, approves consent, and the client receives code, state and iss', async () => {
  const page = await browser!.context.newPage();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${issuer}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: 'example-notes',
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state: 'browser-state-1',
    nonce: 'browser-nonce-1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  await page.goto(authorize.href);
  // Sign-in is the first step, so the authorization endpoint answers with the form itself.
  assert.equal(new URL(page.url()).pathname, '/authorize');
  assert.equal(await page.title(), 'Sign in · Latchkey');
  // The focused field is the username: a person can type straight away.
  assert.equal(await page.locator('input[name="username"]:focus').count(), 1);
  await page.screenshot({ path: join(tmpdir(), 'latchkey-login.png') });

  await page.fill('input[name="username"][autocomplete~="username"]', 'alice');
  await page.fill(
    'input[name="password"][type="password"][autocomplete="current-password"]',
    'correct horse battery staple',
  );
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/consent'),
    page.click('button[type="submit"]'),
  ]);
  assert.match((await page.textContent('main')) ?? '', /Example Notes/);
  await page.screenshot({ path: join(tmpdir(), 'latchkey-consent.png') });

  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(redirectUri)),
    page.click('button[type="submit"][name="decision"][value="approve"]'),
  ]);
  const landed = new URL(page.url());
  assert.match(landed.searchParams.get('code') ?? '', /^[\w-]{43}$/);
  assert.equal(landed.searchParams.get('state'), 'browser-state-1');
  assert.equal(landed.searchParams.get('iss'), issuer);
  assert.equal(callbacks.filter((url) => url.pathname === '/callback').length, 1);

  // The browser now has a provider session: a second request goes straight back with a new code.
  await page.goto(authorize.href);
  await page.waitForURL((url) => url.href.startsWith(redirectUri));
  assert.ok(new URL(page.url()).searchParams.get('code'));
});
