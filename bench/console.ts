/**
 * Every console page and the account page with 10,000 users and 1,000 clients in the store (issue 15:
 * p50 ≤ 5 ms, measured, not asserted), on the store of bench/lib/admin-store.ts (SQLite, or
 * `DATABASE_URL`: an empty PostgreSQL database it may fill). An administrator signs in to the console
 * as a browser does — /admin, the provider's /authorize and login page, back to the console with its
 * server-side session — and each page is then fetched sequentially with that browser's cookies over
 * keep-alive HTTP for BENCH_SECONDS (default 5) after a warm-up; one markdown table: requests/s, p50, p99.
 *
 *   npm run bench:console                          # SQLite
 *   DATABASE_URL=postgres://… npm run bench:console
 *
 * Not part of `npm run bench`, not run by the tests.
 */
import { createUser } from '@latchkey/provider';
import { HttpBrowser, isRedirect, readForm } from '../test/helpers/http-browser.js';
import {
  AUDIT_EVENTS,
  CLIENTS,
  clientId,
  startSeededProvider,
  TABLE_HEADER,
  timeEach,
  USERS,
  username,
} from './lib/admin-store.js';

const PASSWORD = 'bench console passphrase';

const { issuer, provider, dialect, close } = await startSeededProvider();
await createUser(provider.stores, { username: 'bench-admin', password: PASSWORD, admin: true });

/** /admin → the provider's login page → (consent, if asked) → the console with its session cookie. */
async function signIn(browser: HttpBrowser): Promise<void> {
  const loginPage = await browser.follow(`${issuer}/admin`);
  if (loginPage.status !== 200) throw new Error(`login page: ${loginPage.status}`);
  const login = readForm(await loginPage.text(), loginPage.url || issuer);
  let response = await browser.request(login.action, {
    form: { ...login.hidden, username: 'bench-admin', password: PASSWORD },
  });
  for (let hops = 0; hops < 10 && isRedirect(response); hops++) {
    const next = new URL(response.headers.get('location')!, issuer);
    response = await browser.request(next.href);
    if (next.pathname === '/consent' && response.status === 200) {
      const consent = readForm(await response.text(), issuer);
      response = await browser.request(consent.action, { form: { ...consent.hidden, decision: 'approve' } });
    }
  }
  const overview = await browser.request(`${issuer}/admin`);
  if (overview.status !== 200) throw new Error(`the console after sign-in: ${overview.status}`);
}

const browser = new HttpBrowser(issuer);
await signIn(browser);

const day = (secondsAgo: number) =>
  new Date((Math.floor(Date.now() / 1000) - secondsAgo) * 1000).toISOString().slice(0, 10);
const pages: [string, string][] = [
  ['overview', '/admin'],
  ['clients, list', '/admin/clients'],
  ['clients, search q=app 9', '/admin/clients?q=app%209'],
  ['client detail', `/admin/clients/${clientId(Math.floor(CLIENTS / 2))}`],
  ['users, list', '/admin/users'],
  ['users, search q=user-09', '/admin/users?q=user-09'],
  ['user detail', `/admin/users/${username(Math.floor(USERS / 2))}`],
  ['groups', '/admin/groups'],
  ['signing keys', '/admin/keys'],
  ['audit', '/admin/audit'],
  ['audit, type sign_in.failure', '/admin/audit?type=sign_in.failure'],
  ['audit, type prefix admin.', '/admin/audit?type=admin.'],
  ['audit, user', `/admin/audit?user=${username(42)}`],
  ['audit, client', `/admin/audit?client=${clientId(42)}`],
  [
    'audit, since/until (a day 10 days ago)',
    `/admin/audit?since=${day(10 * 86_400)}&until=${day(10 * 86_400)}`,
  ],
  ['account page (/account)', '/account'],
];

const rows = await timeEach(
  provider,
  pages.map(([name, path]) => [
    name,
    async () => {
      const answer = await browser.request(issuer + path);
      await answer.arrayBuffer();
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
    },
  ]),
);

console.log(
  `\nConsole and account pages, ${USERS} users, ${CLIENTS} clients, ${AUDIT_EVENTS} audit events, ${dialect}, one signed-in browser, sequential keep-alive\n`,
);
console.log(TABLE_HEADER);
console.log(rows.join('\n'));
await close();
