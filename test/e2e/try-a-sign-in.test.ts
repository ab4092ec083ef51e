/**
 * "Try it in one minute" in a real browser at phone width (390 px): headless Chromium opens the
 * development provider's landing page, follows Try a sign-in through the login and consent pages, and
 * lands on the demo's page with both tokens decoded and verified. Each page is checked with axe-core
 * (its source evaluated in the page, which the pages' CSP would refuse as a script tag), must not
 * scroll sideways, and is saved as a screenshot in the temp directory for a human to look at.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import type { Page } from 'playwright-core';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { checkPage as checkPageIn, PHONE } from '../helpers/page-checks.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

let op: TestProvider | undefined;
let browser: LaunchedChromium | undefined;

before(async () => {
  // A support contact, so the sign-in and error pages are checked with their "Contact …" line.
  op = await startTestProvider({ env: { LATCHKEY_UI_SUPPORT_CONTACT: 'help@example.com' } });
  browser = await launchChromium({ viewport: PHONE });
});

after(async () => {
  await browser?.close();
  await op?.close();
});

const checkPage = (page: Page, name: string) => checkPageIn(page, 'try', name);

test('from / through Try a sign-in to the decoded, verified tokens, accessible at 390 px', async () => {
  const { issuer, provider } = op!;
  const page = await browser!.context.newPage();
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') blocked.push(message.text());
  });

  // No user yet: the landing page says how to make one.
  await page.goto(`${issuer}/`);
  assert.equal(await page.title(), 'Latchkey is running · Latchkey');
  assert.match((await page.textContent('main')) ?? '', /npx latchkey user create --username alice/);
  await checkPage(page, 'landing-no-user');

  await createUser(provider.stores, {
    username: 'alice',
    password: 'correct horse battery staple',
    email: 'alice@example.com',
    name: 'Alice Liddell',
  });
  await page.reload();
  assert.doesNotMatch((await page.textContent('main')) ?? '', /latchkey user create/);
  await checkPage(page, 'landing');

  await Promise.all([
    page.waitForURL((url) => url.pathname === '/authorize'),
    page.getByRole('link', { name: 'Try a sign-in' }).click(),
  ]);
  assert.equal(await page.title(), 'Sign in · Latchkey');
  assert.match((await page.textContent('main')) ?? '', /Latchkey demo/);
  assert.match((await page.textContent('main')) ?? '', /Trouble signing in\? Contact help@example\.com\./);
  await checkPage(page, 'login');
  await page.fill('input[name="username"]', 'alice');
  await page.fill('input[name="password"]', 'correct horse battery staple');
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/consent'),
    page.click('button[type="submit"]'),
  ]);
  await checkPage(page, 'consent');

  await Promise.all([
    page.waitForURL((url) => url.pathname === '/demo/callback'),
    page.click('button[name="decision"][value="approve"]'),
  ]);
  assert.equal(await page.title(), 'Signed in: the tokens · Latchkey');
  for (const name of ['ID token', 'Access token']) {
    const section = page.getByRole('region', { name });
    const checks = await section.locator('.checks li strong').allTextContents();
    for (const check of ['signature', 'iss', 'aud', 'exp', 'typ'])
      assert.ok(checks.includes(check), `${name}: ${check}`);
  }
  const text = (await page.textContent('main')) ?? '';
  assert.match(text, /"sub": "/);
  assert.match(text, /"typ": "at\+jwt"/);
  assert.match(text, /"aud": "latchkey-demo"/);
  assert.match(text, /curl -H "Authorization: Bearer \$ACCESS_TOKEN" http:\/\/127\.0\.0\.1:\d+\/userinfo/);
  assert.match(text, /npx latchkey jwt verify --issuer/);
  await checkPage(page, 'tokens');
  // The same page in the dark colour scheme keeps its contrast.
  await page.emulateMedia({ colorScheme: 'dark' });
  await checkPage(page, 'tokens-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // The long page in pieces a person can read: each token, then what a developer would write.
  await page
    .getByRole('region', { name: 'ID token' })
    .screenshot({ path: join(tmpdir(), 'latchkey-try-tokens-id.png') });
  await page
    .getByRole('region', { name: 'Access token' })
    .screenshot({ path: join(tmpdir(), 'latchkey-try-tokens-access.png') });
  await page
    .getByRole('region', { name: 'Do the same yourself' })
    .screenshot({ path: join(tmpdir(), 'latchkey-try-tokens-yourself.png') });
  assert.deepEqual(blocked, [], 'no console errors (a CSP violation would be one)');

  // An address that does not exist is a page in the same design too.
  const missing = await page.goto(`${issuer}/no-such-page`);
  assert.equal(missing?.status(), 404);
  assert.equal(await page.title(), 'Page not found · Latchkey');
  assert.match((await page.textContent('main')) ?? '', /Need help\? Contact help@example\.com\./);
  await checkPage(page, 'not-found');
});
