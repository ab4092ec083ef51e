/**
 * The store the admin benchmarks read (issue 15: admin API lists and console pages p50 ≤ 5 ms with
 * 10,000 users and 1,000 clients): a provider started in this process on a fresh SQLite file or on
 * `DATABASE_URL` (a PostgreSQL database it may fill: give it an empty one), seeded with BENCH_USERS users
 * (every 50th disabled), BENCH_CLIENTS clients and BENCH_AUDIT audit events spread over the last 80
 * days, the last day's being sign-ins and failures in the proportion a busy day has, so the overview's
 * day figures reach their cap. Users and clients go through the stores; audit rows through multi-row
 * INSERTs (bench/seed.ts), as the log grows by appends. PostgreSQL is then ANALYZEd.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type RunningProvider, startProvider } from '@latchkey/provider';
import { sql } from '@latchkey/store';
import { insertAll } from '../seed.js';
import { countStatements, type StatementCount } from './count-statements.js';
import { freePort } from './server-entry.mjs';

export const USERS = Number(process.env['BENCH_USERS'] ?? 10_000);
export const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1_000);
export const AUDIT_EVENTS = Number(process.env['BENCH_AUDIT'] ?? 200_000);
export const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const BATCH = 500;
const DAY = 86_400;
const AUDIT_SPAN_DAYS = 80;

export const username = (n: number) => `user-${String(n).padStart(5, '0')}`;
export const clientId = (n: number) => `bench-client-${String(n).padStart(4, '0')}`;

export interface AdminBenchProvider {
  readonly issuer: string;
  readonly provider: RunningProvider;
  /** `sqlite` or `postgres`. */
  readonly dialect: string;
  close(): Promise<void>;
}

/** Starts a provider as `latchkey serve` does and seeds its store; `progress` hears what it is doing. */
export async function startSeededProvider(progress = console.error): Promise<AdminBenchProvider> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-admin-bench-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const databaseUrl = process.env['DATABASE_URL'];
  const config = loadConfig({
    env: {
      LATCHKEY_ISSUER: issuer,
      LATCHKEY_PORT: String(port),
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_LOG_LEVEL: 'silent',
      ...(databaseUrl ? { LATCHKEY_DATABASE_URL: databaseUrl } : {}),
    },
    // The bench measures the pages and endpoints, not the limiter.
    overrides: { adminApi: { requestsPerMinute: 100_000 } },
  });
  const provider = await startProvider(config, { secret: randomBytes(32) });
  const { stores } = provider;
  const dialect = stores.database.dialect;
  try {
    await seed(provider, progress);
  } catch (error) {
    await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    issuer,
    provider,
    dialect,
    async close() {
      await provider.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function seed({ stores }: RunningProvider, progress: (message: string) => void): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  progress(
    `seeding ${USERS} users, ${CLIENTS} clients, ${AUDIT_EVENTS} audit events on ${stores.database.dialect} …`,
  );
  for (let start = 0; start < USERS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, USERS - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((n) =>
        stores.users.create({
          id: `bench-user-${n}`,
          username: username(n),
          email: `user-${n}@example.com`,
          emailVerified: true,
          profile: { name: `User ${n}` },
          passwordHash: null,
          passwordChangedAt: null,
          disabled: n % 50 === 0,
          createdAt: now,
          updatedAt: now,
        }),
      ),
    );
  }
  for (let start = 0; start < CLIENTS; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, CLIENTS - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((n) =>
        stores.clients.create({
          clientId: clientId(n),
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
          createdAt: now,
          updatedAt: now,
        }),
      ),
    );
  }
  // A twentieth of the log is the last day (more than the overview's cap of each figure); the rest is
  // spread over the 80 days before it. Oldest first, so ids and times grow together as in a real log.
  const lastDay = Math.floor(AUDIT_EVENTS / 20);
  const older = AUDIT_EVENTS - lastDay;
  const types = [
    'sign_in.success',
    'token.issued',
    'sign_in.failure',
    'token.refreshed',
    'admin.client.updated',
  ];
  await insertAll(
    stores.database.db,
    'audit_events',
    AUDIT_EVENTS,
    (i) => ({
      type: types[i % types.length],
      at:
        i < older
          ? now - DAY - Math.floor(((older - i) / older) * AUDIT_SPAN_DAYS * DAY)
          : now - Math.floor(((AUDIT_EVENTS - i) / lastDay) * (DAY - 60)),
      user_id: `bench-user-${i % USERS}`,
      client_id: clientId(i % CLIENTS),
      ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      details: '{}',
    }),
    () => {},
  );
  // A production PostgreSQL has planner statistics (autovacuum analyzes a table soon after a bulk load);
  // a table seeded a second ago has none. SQLite is left as the provider leaves it, without any (it
  // runs no ANALYZE), so its plans are measured as they are in production.
  if (stores.database.dialect === 'postgres') await sql`analyze`.execute(stores.database.db);
}

/** The statements every database call of this process sends (installed before the provider opens its store). */
const statements: StatementCount = countStatements();

/**
 * CPU time (clock ticks) each PostgreSQL server process serving this database has used so far, read
 * from /proc (the server runs on this machine): the store's share of a request, which this process's
 * CPU does not include. Undefined on SQLite (it runs inside this process) or when /proc cannot be read.
 * The connection that runs this query is counted too (sequential requests reuse the pool's most
 * recently released connection, so it is the one that did the work); a connection closed in between
 * loses its share, one opened in between counts whole (serverCpuSince).
 */
async function postgresServerTicks(provider: RunningProvider): Promise<Map<number, number> | undefined> {
  if (provider.stores.database.dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database()
  `.execute(provider.stores.database.db);
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields 14 and 15 (utime, stime), counted after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      return undefined;
    }
  }
  return ticks;
}

/** µs of PostgreSQL server CPU between two readings of postgresServerTicks. */
function serverCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return (ticks * 1e6) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ: 100 on every Linux the bench runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * One row of a latency table: the call made sequentially for SECONDS after 50 warm-up calls. Beside the
 * wall-clock latencies, what moves far less with the neighbours' load on a shared machine: the CPU time
 * of this whole process (server and client both run here) per call, on PostgreSQL the CPU of its server
 * processes for this database per call, and the statements the store ran per call.
 */
export async function timeCalls(
  provider: RunningProvider,
  name: string,
  call: () => Promise<void>,
): Promise<string> {
  for (let i = 0; i < 50; i++) await call();
  const latencies: number[] = [];
  const serverBefore = await postgresServerTicks(provider);
  const statementsBefore = statements.total;
  const cpuBefore = process.cpuUsage();
  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) {
    const started = process.hrtime.bigint();
    await call();
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const statementsRun = statements.total - statementsBefore;
  const serverAfter = await postgresServerTicks(provider);
  const perCall = (n: number) => n / latencies.length;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const server =
    serverBefore === undefined || serverAfter === undefined
      ? '—'
      : perCall(serverCpuSince(serverBefore, serverAfter)).toFixed(0);
  return `| ${name} | ${(latencies.length / SECONDS).toFixed(0)} | ${at(0.5).toFixed(2)} | ${at(0.99).toFixed(2)} | ${perCall(cpu.user + cpu.system).toFixed(0)} | ${server} | ${perCall(statementsRun).toFixed(1)} |`;
}

/**
 * The statements one call runs, SQL text in order (`BENCH_STATEMENTS=1` prints them per page): to see
 * what a page asks the store for.
 */
export async function statementsOf(call: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  statements.listener = (text) => seen.push(text);
  try {
    await call();
  } finally {
    statements.listener = undefined;
  }
  return seen;
}

/**
 * A table row per call (timeCalls); with `BENCH_STATEMENTS=1`, first the SQL each call runs once
 * (to stderr), to see what a page asks the store for; with `BENCH_ONLY=text`, only the calls whose name
 * contains it (to profile one page).
 */
export async function timeEach(
  provider: RunningProvider,
  calls: readonly (readonly [string, () => Promise<void>])[],
): Promise<string[]> {
  const rows: string[] = [];
  const only = process.env['BENCH_ONLY'];
  for (const [name, call] of calls) {
    if (only !== undefined && !name.includes(only)) continue;
    if (process.env['BENCH_STATEMENTS'] === '1') {
      await call();
      const seen = await statementsOf(call);
      console.error(
        `\n${name}: ${seen.length} statements\n  ${seen.map((t) => t.replace(/\s+/g, ' ')).join('\n  ')}`,
      );
    }
    rows.push(await timeCalls(provider, name, call));
  }
  return rows;
}

export const TABLE_HEADER =
  '| request | req/s | p50 ms | p99 ms | process CPU µs/req | PostgreSQL CPU µs/req | statements/req |\n|---|---:|---:|---:|---:|---:|---:|';
