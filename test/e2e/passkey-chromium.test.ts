/**
 * Passkeys in a real browser: headless Chromium with the DevTools virtual authenticator
 * (WebAuthn.addVirtualAuthenticator over a CDP session). The person adds a passkey on the account page,
 * then signs in with the password and the passkey as the second factor; with user verification
 * failing, the passkey does not sign them in. The provider runs on http://localhost (a secure context
 * for WebAuthn; an IP address cannot be an RP ID).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createClient,
  createUser,
  loadConfig,
  type RunningProvider,
  startProvider,
} from '@latchkey/provider';
import type { CDPSession, Page } from 'playwright-core';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/free-port.js';

const PASSWORD = 'correct horse battery staple';
let provider: RunningProvider;
let issuer: string;
let dataDir: string;
let browser: LaunchedChromium;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
let userId: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'latchkey-passkey-'));
  const port = await freePort();
  issuer = `http://localhost:${port}`;
  provider = await startProvider(
    loadConfig({
      env: {
        LATCHKEY_DATA_DIR: dataDir,
        LATCHKEY_LOG_LEVEL: 'silent',
        LATCHKEY_SECRET: randomBytes(32).toString('base64url'),
        LATCHKEY_ISSUER: issuer,
        LATCHKEY_PORT: String(port),
      },
    }),
  );
  userId = (await createUser(provider.stores, { username: 'alice', password: PASSWORD })).id;
  browser = await launchChromium();
  page = await browser.context.newPage();
  cdp = await browser.context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  authenticatorId = added.authenticatorId;
});

after(async () => {
  await browser?.close();
  await provider?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function passwordSignIn(): Promise<void> {
  await page.goto(`${issuer}/account`);
  await page.fill('#username', 'alice');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
}

test('F2: a passkey added on the account page signs in as the second factor, with user verification', async () => {
  await passwordSignIn();
  await page.waitForSelector('#passkey-register:not([hidden])');
  await Promise.all([page.waitForURL(/done=passkey-added/), page.click('#passkey-register')]);
  assert.match(await page.content(), /The passkey was added/);
  const [passkey] = await provider.stores.factors.listPasskeys(userId);
  assert.ok(passkey, 'stored');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential');
  assert.equal(credentials[0]!.rpId, 'localhost');

  await browser.context.clearCookies();
  await passwordSignIn();
  assert.match(page.url(), /\/account\/sign-in$/);
  await page.waitForSelector('#passkey-authenticate:not([hidden])');
  await Promise.all([page.waitForURL(`${issuer}/account`), page.click('#passkey-authenticate')]);
  assert.match(await page.content(), /Signed in as/);
  const [session] = await provider.stores.sessions.listLiveByUser(userId, Math.floor(Date.now() / 1000));
  assert.deepEqual(session?.amr, ['pwd', 'hwk', 'user', 'mfa']);
  assert.equal(session?.acr, 'urn:latchkey:acr:phr');
  assert.ok((await provider.stores.factors.getPasskey(passkey.credentialId))?.lastUsedAt);
});

test("username-less: the login page's passkey autofill (conditional mediation) signs in with the discoverable passkey alone (acr phr)", async () => {
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
  await browser.context.clearCookies();
  const app = createServer((_request, response) => response.end('back at the app'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  after(() => new Promise((resolve) => app.close(resolve)));
  const redirectUri = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`;
  await createClient(provider.stores, {
    name: 'Notes',
    clientId: 'notes',
    public: true,
    redirectUris: [redirectUri],
  });
  await provider.stores.consents.grant(userId, 'notes', ['openid'], Math.floor(Date.now() / 1000));
  // The sessions of the earlier tests end, so the one live afterwards is this sign-in's.
  await provider.stores.sessions.endAllForUser(userId, Math.floor(Date.now() / 1000));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'notes',
    redirect_uri: redirectUri,
    scope: 'openid',
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    acr_values: 'urn:latchkey:acr:phr',
  });
  // The login page starts a conditional request at load (autofill on the username field); the virtual
  // authenticator answers it at once, as a person picking the passkey from the autofill list would.
  const login = page.waitForResponse((r) => r.url() === `${issuer}/login/passkey`);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${redirectUri}?code=`)),
    page.goto(`${issuer}/authorize?${params}`),
  ]);
  assert.equal((await login).status(), 303);
  const sessions = await provider.stores.sessions.listLiveByUser(userId, Math.floor(Date.now() / 1000));
  assert.equal(sessions.length, 1);
  assert.deepEqual(sessions[0]?.amr, ['hwk', 'user']);
  assert.equal(sessions[0]?.acr, 'urn:latchkey:acr:phr');
});

test('F2: when the authenticator does not verify the user, the passkey signs nobody in', async () => {
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  await browser.context.clearCookies();
  await passwordSignIn();
  await page.waitForSelector('#passkey-authenticate:not([hidden])');
  await page.click('#passkey-authenticate');
  // Either the browser refuses the ceremony (UV required) or the provider refuses the assertion.
  await page.waitForSelector('#passkey-authenticate-status:not(:empty), p.alert[role=alert]');
  assert.doesNotMatch(await page.content(), /Signed in as/);
  const cookies = await browser.context.cookies();
  assert.equal(
    cookies.some((c) => c.name.includes('latchkey-session')),
    false,
  );
});
