/**
 * Sign-in through another identity provider in a real browser: headless Chromium opens a relying party's
 * authorization request, picks "Sign in with Corp SSO" on the sign-in page, passes through the upstream
 * (a small OpenID Provider written for the tests, which signs its person in at once), approves consent,
 * and the relying party gets a code whose ID token names the person the upstream vouched for. The page
 * is shown at 390 px wide; a screenshot goes to the temp directory for a human to look at.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import { FakeOidcUpstream } from '../../packages/provider/test/connectors/fake-oidc-upstream.js';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider | undefined;
let upstream: FakeOidcUpstream | undefined;
let callbackServer: Server | undefined;
let browser: LaunchedChromium | undefined;
let redirectUri: string;
let secret: string;

before(async () => {
  upstream = await new FakeOidcUpstream('latchkey', 'corp-secret', () =>
    Math.floor(Date.now() / 1000),
  ).start();
  upstream.user = {
    sub: 'corp-erin',
    email: 'erin@corp.example',
    email_verified: true,
    name: 'Erin Upstream',
  };
  callbackServer = createHttpServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end('<!doctype html><title>Back</title>');
  });
  await new Promise<void>((resolve) => callbackServer?.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callbackServer.address() as { port: number }).port}/callback`;
  op = await startTestProvider({
    env: {
      LATCHKEY_CONNECTORS: JSON.stringify([
        {
          id: 'corp',
          type: 'oidc',
          displayName: 'Corp SSO',
          issuer: upstream.issuer,
          clientId: upstream.clientId,
          clientSecret: upstream.clientSecret,
          jit: 'create',
        },
      ]),
    },
  });
  secret = (
    await createClient(op.provider.stores, {
      name: 'Example Notes',
      clientId: 'example-notes',
      redirectUris: [redirectUri],
      scopes: ['openid', 'profile', 'email'],
    })
  ).secret as string;
  browser = await launchChromium({ viewport: { width: 390, height: 844 } });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => callbackServer?.close(resolve) ?? resolve(undefined));
  await op?.close();
  await upstream?.close();
});

test('a person signs in through an upstream OpenID Provider from the sign-in page, in a browser', async () => {
  const page = await browser!.context.newPage();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${op!.issuer}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: 'example-notes',
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state: 'fed-state',
    nonce: 'fed-nonce',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  await page.goto(authorize.href);
  const button = page.getByRole('link', { name: 'Sign in with Corp SSO' });
  assert.equal(await button.count(), 1);
  // At 390 px nothing is wider than the screen.
  // (A string, evaluated in the page: this file is type-checked without the DOM library.)
  assert.equal(await page.evaluate('document.documentElement.scrollWidth <= 390'), true);
  await page.screenshot({ path: join(tmpdir(), 'latchkey-login-connectors.png'), fullPage: true });

  await Promise.all([page.waitForURL((url) => url.pathname === '/consent'), button.click()]);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(redirectUri)),
    page.click('button[type="submit"][name="decision"][value="approve"]'),
  ]);
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get('state'), 'fed-state');
  const token = await fetch(`${op!.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`example-notes:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: landed.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const { id_token } = (await token.json()) as { id_token: string };
  const claims = JSON.parse(Buffer.from(id_token.split('.')[1] ?? '', 'base64url').toString());
  assert.equal(claims.name, 'Erin Upstream');
  assert.equal(claims.email, 'erin@corp.example');
  assert.deepEqual(claims.amr, ['fed']);
});
