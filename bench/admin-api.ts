/**
 * The admin API's list endpoints with 10,000 users and 1,000 clients in the store (issue 15: p50 ≤ 5 ms,
 * measured, not asserted). One provider in this process on a fresh SQLite file (or `DATABASE_URL`, an
 * empty PostgreSQL database it may fill), seeded by bench/lib/admin-store.ts; each endpoint is called
 * sequentially over keep-alive HTTP (fetch) for BENCH_SECONDS (default 5) after a short warm-up, and one
 * markdown table is printed: requests/s, p50 and p99.
 *
 *   npm run bench:admin-api                         # SQLite
 *   DATABASE_URL=postgres://… npm run bench:admin-api
 *   BENCH_SECONDS=1 BENCH_USERS=1000 npm run bench:admin-api   # a smoke run
 *
 * The machine may be shared: this is not part of `npm run bench`, and it is not run by the tests.
 */
import { createClient, createUser } from '@latchkey/provider';
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

const { issuer, provider, dialect, close } = await startSeededProvider();
const { stores } = provider;
await createUser(stores, { username: 'bench-admin', admin: true });
const audience = `${issuer}/admin/api`;
const service = await createClient(stores, {
  name: 'Bench admin robot',
  grantTypes: ['client_credentials'],
  scopes: ['latchkey:admin'],
  allowedResources: [audience],
});
// An admin service client's token, as docs/admin-api.md gets one: client_credentials + resource.
const tokenAnswer = await fetch(`${issuer}/token`, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${service.client.clientId}:${service.secret}`).toString('base64')}`,
  },
  body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience }),
});
const token = ((await tokenAnswer.json()) as { access_token: string }).access_token;

const API = `${issuer}/admin/api/v1`;
const deepCursor = Buffer.from(JSON.stringify(username(Math.floor(USERS * 0.9)))).toString('base64url');
const hourAgo = Math.floor(Date.now() / 1000) - 3600;
const endpoints: [string, string][] = [
  ['users, first page (50)', '/users?limit=50'],
  ['users, page at 90%', `/users?limit=50&cursor=${deepCursor}`],
  ['users, search q=user-09 (username prefix)', '/users?q=user-09&limit=50'],
  ['users, search q=user-9 (email prefix)', '/users?q=user-9&limit=50'],
  ['users, search q=zz (no match)', '/users?q=zz&limit=50'],
  ['users, disabled only', '/users?disabled=true&limit=50'],
  ['clients, first page (50)', '/clients?limit=50'],
  ['clients, search q=app 9 (name prefix)', '/clients?q=app%209&limit=50'],
  ['clients, search q=bench-client-09 (id prefix)', '/clients?q=bench-client-09&limit=50'],
  ['audit events (50)', '/audit-events?limit=50'],
  ['audit events by type', '/audit-events?type=admin.client.updated&limit=50'],
  ['audit events by user', '/audit-events?userId=bench-user-42&limit=50'],
  ['audit events by client', `/audit-events?clientId=${clientId(42)}&limit=50`],
  ['audit events in the last hour', `/audit-events?since=${hourAgo}&limit=50`],
  ['groups', '/groups'],
];

const rows = await timeEach(
  provider,
  endpoints.map(([name, path]) => [
    name,
    async () => {
      const answer = await fetch(API + path, { headers: { authorization: `Bearer ${token}` } });
      await answer.arrayBuffer();
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
    },
  ]),
);

console.log(
  `\nAdmin API, ${USERS} users, ${CLIENTS} clients, ${AUDIT_EVENTS} audit events, ${dialect}, sequential keep-alive\n`,
);
console.log(TABLE_HEADER);
console.log(rows.join('\n'));
await close();
