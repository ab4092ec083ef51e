/**
 * The account page in a real browser, at phone width and on a desktop: a person signs in to an
 * application (the demo relying party), then opens /account and sees their profile, this session, the
 * application they allowed and their security events. Every page of the account area passes axe-core,
 * never scrolls sideways, and is saved as a screenshot; the error state of a form is checked too. And a
 * person signed in from two browsers ends the other browser's session from the account page: the refresh
 * token that session's application holds stops working, this browser's application keeps its own.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOidcClient, type LoginTokenSet } from '@latchkey/oidc';
import { createClient, createUser } from '@latchkey/provider';
import type { Page } from 'playwright-core';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { checkPage, DESKTOP, PHONE } from '../helpers/page-checks.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider | undefined;
let browser: LaunchedChromium | undefined;
const PASSWORD = 'correct horse battery staple';
/** A relying party's address that does not exist here: the browser's request to it is what it would receive. */
const NOTES_CALLBACK = 'https://notes.example.com/callback';
let notes: { clientId: string; secret: string } | undefined;

before(async () => {
  op = await startTestProvider({
    env: {
      // Email on (the forgot-password and register pages exist); nothing is sent in this test.
      LATCHKEY_EMAIL_FROM: 'no-reply@id.example',
      LATCHKEY_EMAIL_SMTP_HOST: '127.0.0.1',
      LATCHKEY_EMAIL_SMTP_PORT: '9',
      LATCHKEY_EMAIL_SMTP_TLS: 'none',
      LATCHKEY_SELF_REGISTRATION_ENABLED: 'true',
    },
  });
  await createUser(op.provider.stores, {
    username: 'alice',
    password: PASSWORD,
    email: 'alice@example.com',
    name: 'Alice Liddell',
  });
  const created = await createClient(op.provider.stores, {
    name: 'Notes',
    redirectUris: [NOTES_CALLBACK],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'offline_access'],
  });
  notes = { clientId: created.client.clientId, secret: created.secret! };
  browser = await launchChromium({ viewport: PHONE });
});

after(async () => {
  await browser?.close();
  await op?.close();
});

async function signInThroughTheDemo(page: Page): Promise<void> {
  await page.goto(`${op!.issuer}/`);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/authorize'),
    page.getByRole('link', { name: 'Try a sign-in' }).click(),
  ]);
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/consent'),
    page.click('button[type="submit"]'),
  ]);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/demo/callback'),
    page.click('button[name="decision"][value="approve"]'),
  ]);
}

test('the account area is accessible and fits a phone and a desktop', async () => {
  const page = await browser!.context.newPage();
  // A refused form answers 400, which Chromium also logs as an error: only CSP refusals count here.
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text()))
      blocked.push(message.text());
  });

  await page.goto(`${op!.issuer}/account`);
  assert.equal(await page.title(), 'Sign in · Latchkey');
  assert.ok(await page.getByRole('link', { name: 'Forgot your password?' }).isVisible());
  await checkPage(page, 'account', 'sign-in');
  await page.goto(`${op!.issuer}/account/forgot-password`);
  await checkPage(page, 'account', 'forgot-password');
  await page.goto(`${op!.issuer}/account/register`);
  await checkPage(page, 'account', 'register');

  await signInThroughTheDemo(page);
  await page.goto(`${op!.issuer}/account`);
  assert.equal(await page.title(), 'Your account · Latchkey');
  const main = (await page.textContent('main')) ?? '';
  assert.match(main, /Alice Liddell/);
  assert.match(main, /This browser/);
  assert.match(main, /Latchkey demo/);
  assert.match(main, /Allowed Latchkey demo access/);
  await checkPage(page, 'account', 'page-phone');

  // A refused password change: the error is announced and tied to its fields.
  await page.fill('#current_password', 'not the password at all');
  await page.fill('#new_password', 'a brand new long passphrase');
  await page.fill('#confirm_password', 'a brand new long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('#password-error');
  assert.match((await page.textContent('#password-error')) ?? '', /current password is not correct/);
  await checkPage(page, 'account', 'password-error');

  await page.setViewportSize(DESKTOP);
  await page.goto(`${op!.issuer}/account`);
  await checkPage(page, 'account', 'page-desktop');
  await page.emulateMedia({ colorScheme: 'dark' });
  await checkPage(page, 'account', 'page-dark');
  assert.deepEqual(blocked, [], 'nothing refused by the Content-Security-Policy');
});

/** The Notes application, as a relying party holding refresh tokens (offline_access). */
function notesApp() {
  return createOidcClient({
    issuer: op!.issuer,
    clientId: notes!.clientId,
    clientSecret: notes!.secret,
    redirectUri: NOTES_CALLBACK,
    scopes: ['openid', 'profile', 'offline_access'],
  });
}

/** Alice signs in to Notes in this browser (login, then consent if asked); Notes' tokens for the session. */
async function signInToNotes(page: Page): Promise<LoginTokenSet> {
  const app = notesApp();
  const start = await app.startAuthorization();
  await page.goto(start.url);
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', PASSWORD);
  const callback = page.waitForRequest((request) => request.url().startsWith(NOTES_CALLBACK));
  const consent = page.waitForURL((url) => url.pathname === '/consent');
  consent.catch(() => {}); // not asked when the consent is remembered
  await page.click('button[type="submit"]');
  const first = await Promise.race([callback.then(() => 'callback'), consent.then(() => 'consent')]);
  if (first === 'consent') await page.click('button[name="decision"][value="approve"]');
  return app.handleCallback(new URL((await callback).url()).searchParams, start);
}

/** The token endpoint's answer to Notes using `refreshToken`: status and OAuth error, if any. */
async function refreshAtTokenEndpoint(refreshToken: string): Promise<{ status: number; error?: string }> {
  const response = await fetch(`${op!.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${notes!.clientId}:${notes!.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, ...(body.error === undefined ? {} : { error: body.error }) };
}

test("a user ends another session from the account page and that session's refresh token stops working; this session's keeps working", async () => {
  // Two browsers (two profiles, so two provider sessions), each signed in to Notes.
  const browserA = await launchChromium({ viewport: DESKTOP });
  const browserB = await launchChromium({ viewport: DESKTOP });
  try {
    const pageA = await browserA.context.newPage();
    const pageB = await browserB.context.newPage();
    const tokensA = await signInToNotes(pageA);
    const tokensB = await signInToNotes(pageB);
    assert.ok(tokensA.refreshToken && tokensB.refreshToken, 'Notes holds a refresh token for each session');
    const sidB = tokensB.claims['sid'];
    assert.equal(typeof sidB, 'string', "B's ID token names its session");
    assert.notEqual(tokensA.claims['sid'], sidB);

    // In browser A, the account page lists B among the other sessions (the first test's session is one
    // too); A signs B out.
    await pageA.goto(`${op!.issuer}/account`);
    const formOf = (sid: unknown) => pageA.locator(`form:has(input[name="sid"][value="${String(sid)}"])`);
    assert.equal(await formOf(sidB).count(), 1, 'B is listed with a sign-out button');
    assert.equal(await formOf(tokensA.claims['sid']).count(), 0, 'this browser is not offered to itself');
    await Promise.all([
      pageA.waitForURL((url) => url.pathname === '/account' && url.search !== ''),
      formOf(sidB)
        .getByRole('button', { name: /Sign out/ })
        .click(),
    ]);
    assert.match((await pageA.textContent('main')) ?? '', /That session was signed out/);
    assert.equal(await formOf(sidB).count(), 0);

    // B's refresh token is refused at the token endpoint; A's still works.
    assert.deepEqual(await refreshAtTokenEndpoint(tokensB.refreshToken!), {
      status: 400,
      error: 'invalid_grant',
    });
    const refreshedA = await notesApp().refresh(tokensA.refreshToken!, tokensA.claims.sub);
    assert.equal(refreshedA.claims?.sub, tokensA.claims.sub);
    assert.ok(refreshedA.accessToken);
    // And B's browser is signed out at the provider: /account asks it to sign in again.
    await pageB.goto(`${op!.issuer}/account`);
    assert.equal(await pageB.title(), 'Sign in · Latchkey');
  } finally {
    await browserA.close();
    await browserB.close();
  }
});
