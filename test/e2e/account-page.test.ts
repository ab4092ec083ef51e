/**
 * The account page in a real browser, at phone width and on a desktop: a person signs in to an
 * application (the demo relying party), then opens /account and sees their profile, this session, the
 * application they allowed and their security events. Every page of the account area passes axe-core,
 * never scrolls sideways, and is saved as a screenshot; the error state of a form is checked too.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import type { Page } from 'playwright-core';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { checkPage, DESKTOP, PHONE } from '../helpers/page-checks.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider | undefined;
let browser: LaunchedChromium | undefined;
const PASSWORD = 'correct horse battery staple';

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
