/**
 * The admin API's list endpoints with 10,000 users and 1,000 clients in the store (issue 15: p50 ≤ 5 ms,
 * measured, not asserted). One provider in this process on a fresh SQLite file (or `DATABASE_URL`, a
 * PostgreSQL database it may fill), seeded through the stores in batches; each endpoint is called
 * sequentially over keep-alive HTTP (fetch) for BENCH_SECONDS (default 5) after a short warm-up, and one
 * markdown table is printed: requests/s, p50 and p99.
 *
 *   npm run bench:admin-api                         # SQLite
 *   DATABASE_URL=postgres://… npm run bench:admin-api
 *   BENCH_SECONDS=1 BENCH_USERS=1000 npm run bench:admin-api   # a smoke run
 *
 * The machine may be shared: this is not part of `npm run bench`, and it is not run by the tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  createKeyManager,
  createProviderApp,
  createUser,
  loadConfig,
  openProviderStores,
} from '@latchkey/provider';
import { sql } from '@latchkey/store';

const USERS = Number(process.env['BENCH_USERS'] ?? 10_000);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BATCH = 500;
const NOW = Math.floor(Date.now() / 1000);

/** A free port, so the issuer (which tokens name) is known before the provider listens. */
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});
const issuer = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-admin-bench-'));
const databaseUrl = process.env['DATABASE_URL'] ?? `sqlite:${join(dataDir, 'latchkey.db')}`;
const stores = await openProviderStores(databaseUrl);
await stores.migrate();
const config = loadConfig({
  env: {},
  overrides: {
    dataDir,
    issuer,
    logging: { level: 'silent' },
    // The bench measures the endpoints, not the limiter.
    adminApi: { requestsPerMinute: 100_000 },
  },
});

console.error(`seeding ${USERS} users and ${CLIENTS} clients on ${databaseUrl.split(':')[0]} …`);
for (let start = 0; start < USERS; start += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, USERS - start) }, (_, i) => start + i);
  await Promise.all(
    batch.map((n) =>
      stores.users.create({
        id: `bench-user-${n}`,
        username: `user-${String(n).padStart(5, '0')}`,
        email: `user-${n}@example.com`,
        emailVerified: true,
        profile: { name: `User ${n}` },
        passwordHash: null,
        passwordChangedAt: null,
        disabled: n % 50 === 0,
        createdAt: NOW,
        updatedAt: NOW,
      }),
    ),
  );
}
for (let start = 0; start < CLIENTS; start += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, CLIENTS - start) }, (_, i) => start + i);
  await Promise.all(
    batch.map((n) =>
      stores.clients.create({
        clientId: `bench-client-${String(n).padStart(4, '0')}`,
        name: `App ${n}`,
        type: 'confidential',
        secretHash: randomBytes(32).toString('base64url'),
        redirectUris: [`https://app-${n}.example.com/callback`],
        postLogoutRedirectUris: [],
        grantTypes: ['authorization_code'],
        scopes: ['openid'],
        tokenEndpointAuthMethod: 'client_secret_basic',
        idTokenSignedResponseAlg: 'RS256',
        jwks: null,
        jwksUri: null,
        allowedResources: [],
        backchannelLogoutUri: null,
        disabled: false,
        previousSecret: null,
        createdAt: NOW,
        updatedAt: NOW,
      }),
    ),
  );
}
for (let i = 0; i < 1000; i++) {
  await stores.audit.append({
    type: i % 2 ? 'login.succeeded' : 'admin.client.updated',
    at: NOW - i,
    userId: `bench-user-${i}`,
  });
}
// A production database has planner statistics (autovacuum analyzes a table soon after a bulk load); a
// table seeded a second ago has none, and PostgreSQL then sorts every row instead of walking the index.
if (stores.database.dialect === 'postgres') await sql`analyze`.execute(stores.database.db);

const secret = randomBytes(32);
const keyManager = createKeyManager({ config, stores, secret });
await keyManager.start();
const app = createProviderApp({ config, stores, keyManager, secret });
await app.listen({ host: '127.0.0.1', port });
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
const deepCursor = Buffer.from(
  JSON.stringify(`user-${String(Math.floor(USERS * 0.9)).padStart(5, '0')}`),
).toString('base64url');
const endpoints: [string, string][] = [
  ['users, first page (50)', '/users?limit=50'],
  ['users, page at 90%', `/users?limit=50&cursor=${deepCursor}`],
  ['users, search q=user-09', '/users?q=user-09&limit=50'],
  ['users, disabled only', '/users?disabled=true&limit=50'],
  ['clients, first page (50)', '/clients?limit=50'],
  ['clients, search q=app 9', '/clients?q=app%209&limit=50'],
  ['audit events (50)', '/audit-events?limit=50'],
  ['audit events by type', '/audit-events?type=admin.client.updated&limit=50'],
];

async function call(path: string): Promise<number> {
  const started = process.hrtime.bigint();
  const answer = await fetch(API + path, { headers: { authorization: `Bearer ${token}` } });
  await answer.arrayBuffer();
  if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const rows: string[] = [];
for (const [name, path] of endpoints) {
  for (let i = 0; i < 50; i++) await call(path);
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) latencies.push(await call(path));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  rows.push(
    `| ${name} | ${(latencies.length / SECONDS).toFixed(0)} | ${at(0.5).toFixed(2)} | ${at(0.99).toFixed(2)} |`,
  );
}

console.log(
  `\nAdmin API lists, ${USERS} users, ${CLIENTS} clients, ${databaseUrl.split(':')[0]}, sequential keep-alive\n`,
);
console.log('| endpoint | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|');
console.log(rows.join('\n'));

await app.close();
await keyManager.stop();
await stores.close();
rmSync(dataDir, { recursive: true, force: true });
