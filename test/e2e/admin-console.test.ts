/**
 * The admin console in a real browser: an administrator signs in to /admin through the provider's own
 * sign-in and consent pages (the console is a relying party of its provider), creates a client, edits
 * its redirect URIs and rotates its secret, and an application then signs in with that client and its
 * new secret; a user who is not an administrator gets the 403 page. Each
 * console page is checked with axe-core (no serious or critical violation), must fit 390 px without
 * scrolling sideways, and is saved as a screenshot at desktop and phone width in a temp directory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createOidcClient } from '@latchkey/oidc';
import { createUser } from '@latchkey/provider';
import type { Page } from 'playwright-core';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'correct horse battery staple';
/** Kept after the test, for a person to look at. */
const SHOTS = mkdtempSync(join(tmpdir(), 'latchkey-console-shots-'));

let op: TestProvider | undefined;
let browser: LaunchedChromium | undefined;

before(async () => {
  op = await startTestProvider({
    // Two connectors, so the Connectors page is checked with content (no upstream is contacted).
    env: {
      LATCHKEY_CONNECTORS: JSON.stringify([
        {
          id: 'corp',
          type: 'oidc',
          displayName: 'Corp SSO',
          issuer: 'https://sso.corp.example',
          clientId: 'latchkey',
          clientSecret: 'e2e-upstream-secret',
          claims: { name: 'name' },
          groups: { claim: 'roles', map: { 'corp-admins': 'operators' } },
          allowedEmailDomains: ['corp.example'],
        },
        {
          id: 'directory',
          type: 'ldap',
          displayName: 'Directory',
          url: 'ldaps://ldap.corp.example',
          bindDn: 'cn=latchkey,dc=corp,dc=example',
          bindPassword: 'e2e-bind-password',
          userBase: 'ou=people,dc=corp,dc=example',
        },
      ]),
    },
  });
  browser = await launchChromium({ viewport: DESKTOP });
  await createUser(op.provider.stores, {
    username: 'root',
    password: PASSWORD,
    name: 'Root Admin',
    admin: true,
  });
  await createUser(op.provider.stores, { username: 'alice', password: PASSWORD, name: 'Alice Liddell' });
});

after(async () => {
  await browser?.close();
  await op?.close();
});

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/** axe-core's rules on the page as it is: no serious or critical violation. */
async function assertAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResult;
  const found = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `${name}: accessibility violations`);
}

/** Both widths: axe at each, no sideways scrolling at 390 px, a full-page screenshot of each. */
async function checkPage(page: Page, name: string): Promise<void> {
  await assertAccessible(page, `${name} (desktop)`);
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await assertAccessible(page, `${name} (390 px)`);
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
  assert.ok(width <= PHONE.width, `${name} is ${width}px wide at 390 px`);
  await page.screenshot({ path: join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** From a console page that sent the browser to sign in: the provider's login and consent pages. */
async function signIn(page: Page, username: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === '/authorize' || url.pathname === '/login');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.click('button[type="submit"]'),
  ]);
  if (new URL(page.url()).pathname === '/consent') {
    await Promise.all([
      page.waitForURL((url) => url.pathname.startsWith('/admin')),
      page.click('button[name="decision"][value="approve"]'),
    ]);
  }
}

const secretOnPage = async (page: Page) => (await page.locator('pre.secret code').textContent())?.trim();

test('an administrator signs in to the console, creates a client, edits its redirect URIs and rotates its secret; every page is accessible at desktop and 390 px', async () => {
  const { issuer, provider } = op!;
  const page = await browser!.context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto(`${issuer}/admin`);
  await signIn(page, 'root');
  assert.equal(new URL(page.url()).pathname, '/admin');
  assert.equal(await page.title(), 'Overview · Latchkey');
  await checkPage(page, 'overview');

  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Clients' }).click();
  await page.waitForURL((url) => url.pathname === '/admin/clients');
  await checkPage(page, 'clients');
  await page.getByRole('link', { name: 'New client' }).click();
  await page.waitForURL((url) => url.pathname === '/admin/clients/new');
  await checkPage(page, 'client-new');
  await page.getByLabel('Name', { exact: true }).fill('Reports');
  await page.getByLabel('Redirect URIs', { exact: true }).fill('https://reports.example.com/callback');
  await page.getByLabel('Scopes', { exact: true }).fill('openid profile');
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/admin/clients'),
    page.getByRole('button', { name: 'Create client' }).click(),
  ]);
  assert.equal(await page.title(), 'Client Reports created · Latchkey');
  const first = await secretOnPage(page);
  assert.ok(first && first.length >= 32);
  await checkPage(page, 'client-secret');
  const clientId = (await page.locator('dd code').first().textContent())?.trim();
  assert.ok(clientId);

  await page.getByRole('link', { name: 'Back to Reports' }).click();
  await page.waitForURL((url) => url.pathname === `/admin/clients/${clientId}`);
  assert.ok(!(await page.content()).includes(first), 'the secret is never shown again');
  await page
    .getByLabel('Redirect URIs', { exact: true })
    .fill('https://reports.example.com/callback\nhttps://reports.example.com/other');
  await Promise.all([
    page.waitForURL((url) => url.search === '?done=client-updated'),
    page.getByRole('button', { name: 'Save changes' }).click(),
  ]);
  assert.match((await page.textContent('main')) ?? '', /The client was saved/);
  await checkPage(page, 'client-edit');
  assert.deepEqual((await provider.stores.clients.get(clientId))?.redirectUris, [
    'https://reports.example.com/callback',
    'https://reports.example.com/other',
  ]);

  await Promise.all([
    page.waitForURL((url) => url.pathname === `/admin/clients/${clientId}/secret`),
    page.getByRole('button', { name: 'Rotate the secret' }).click(),
  ]);
  const second = await secretOnPage(page);
  assert.ok(second && second !== first);

  // An application now signs in with the client as the console left it: the new secret, the edited URIs.
  const rp = createOidcClient({
    issuer,
    clientId,
    clientSecret: second,
    redirectUri: 'https://reports.example.com/other',
    scopes: ['openid', 'profile'],
  });
  const start = await rp.startAuthorization();
  const app = await browser!.context.newPage();
  await app.goto(start.url);
  // The application's address does not exist here: the browser's request to it is what it would receive.
  const [callback] = await Promise.all([
    app.waitForRequest((request) => request.url().startsWith('https://reports.example.com/')),
    app.click('button[name="decision"][value="approve"]'),
  ]);
  const tokens = await rp.handleCallback(new URL(callback.url()).searchParams, start);
  assert.equal(tokens.claims.sub, (await provider.stores.users.getByUsername('root'))?.id);
  await app.close();
  await page.goto(`${issuer}/admin/clients/${clientId}/delete`);
  assert.match((await page.textContent('main')) ?? '', /Delete the client Reports/);
  await checkPage(page, 'client-delete');

  for (const [path, name] of [
    ['/admin/users', 'users'],
    ['/admin/users/new', 'user-new'],
    ['/admin/users/alice', 'user'],
    ['/admin/groups', 'groups'],
    ['/admin/keys', 'keys'],
    ['/admin/connectors', 'connectors'],
    ['/admin/settings', 'settings'],
    ['/admin/audit', 'audit'],
  ] as const) {
    const response = await page.goto(`${issuer}${path}`);
    assert.equal(response?.status(), 200, path);
    await checkPage(page, name);
  }
  // Follow live: the audit page's one script picks up a new event without a reload.
  await page.goto(`${issuer}/admin/audit`);
  await page.getByLabel('Follow live: read new events every 5 seconds').check();
  await provider.stores.audit.append({ type: 'e2e.followed', at: Math.floor(Date.now() / 1000) });
  await page.locator('#audit-events').getByText('e2e.followed').waitFor({ timeout: 15_000 });
  assert.match((await page.textContent('#follow-status')) ?? '', /1 new event/);
  await page.getByLabel('Follow live: read new events every 5 seconds').uncheck();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${issuer}/admin`);
  await checkPage(page, 'overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(errors, [], 'no console errors (a CSP violation would be one)');
  await page.close();
});

test('a user who is not an administrator gets the 403 page', async () => {
  const { issuer } = op!;
  await browser!.context.clearCookies();
  const page = await browser!.context.newPage();
  await page.goto(`${issuer}/admin`);
  await signIn(page, 'alice');
  const response = await page.reload();
  assert.equal(response?.status(), 403);
  assert.equal(await page.title(), 'Not an administrator · Latchkey');
  await checkPage(page, 'forbidden');
  await page.close();
  console.log(`console screenshots: ${SHOTS}`);
});
