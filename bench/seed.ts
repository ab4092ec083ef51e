/**
 * Seeds a Latchkey store with the data of a large deployment, so the scale scenario can compare the
 * hot paths on an empty store and on a full one (issue 21):
 *   100,000 users, 10,000 clients, 1,000,000 grants each with a live refresh token, 5,000,000 audit rows
 * (times `--scale`). Multi-row INSERTs, many per transaction, through the store's own Kysely and after
 * its own migrations, on SQLite and on PostgreSQL alike.
 *
 *   node --import tsx bench/seed.ts --database sqlite:/tmp/x.db [--scale 0.01]
 *   node --import tsx bench/seed.ts --database postgres [--scale 0.01]   (a new schema; its URL is printed)
 *
 * It only inserts into a store it was given or a schema it created; it never drops or deletes anything.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openProviderStores } from '@latchkey/provider';
import type { Kysely } from '@latchkey/store';
import { createBenchSchema } from './lib/postgres.js';

export const FULL_SCALE = {
  users: 100_000,
  clients: 10_000,
  grants: 1_000_000,
  auditEvents: 5_000_000,
} as const;

/** Rows per INSERT: 1,000 rows of ≤ 12 columns stays under SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 1000;
/** INSERTs per transaction: few commits (each an fsync), none long enough to matter. */
const INSERTS_PER_TRANSACTION = 20;
const DAY = 86_400;
/** Audit rows span this many days back: inside the default retention (audit.retention, 90 days). */
const AUDIT_SPAN_DAYS = 80;

export type SeedCounts = { readonly [K in keyof typeof FULL_SCALE]: number };

export function countsAt(scale: number): SeedCounts {
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    users: at(FULL_SCALE.users),
    clients: at(FULL_SCALE.clients),
    grants: at(FULL_SCALE.grants),
    auditEvents: at(FULL_SCALE.auditEvents),
  };
}

const userId = (i: number) => `seed-user-${i}`;
const clientId = (i: number) => `seed-client-${i}`;
const tokenHash = (i: number) => createHash('sha256').update(`seed-refresh-${i}`).digest('base64url');

// biome-ignore lint/suspicious/noExplicitAny: rows are written for the tables as they are at seeding time
type AnyDb = Kysely<any>;

/** Inserts `count` rows made by `row(i)`, ROWS_PER_INSERT per statement, in transactions. */
export async function insertAll(
  db: AnyDb,
  table: string,
  count: number,
  row: (i: number) => Record<string, unknown>,
  progress: (message: string) => void,
): Promise<void> {
  const perTransaction = ROWS_PER_INSERT * INSERTS_PER_TRANSACTION;
  for (let start = 0; start < count; start += perTransaction) {
    const end = Math.min(count, start + perTransaction);
    await db.transaction().execute(async (trx) => {
      for (let from = start; from < end; from += ROWS_PER_INSERT) {
        const rows = [];
        for (let i = from; i < Math.min(end, from + ROWS_PER_INSERT); i++) rows.push(row(i));
        await trx.insertInto(table).values(rows).execute();
      }
    });
    if (end === count || (end / perTransaction) % 25 === 0)
      progress(`${table}: ${end.toLocaleString('en-US')}`);
  }
}

export async function seedStore(
  url: string,
  scale: number,
  progress: (message: string) => void = () => {},
): Promise<SeedCounts> {
  const counts = countsAt(scale);
  const stores = await openProviderStores(url);
  try {
    await stores.migrate();
    const db = stores.database.db as AnyDb;
    const now = Math.floor(Date.now() / 1000);
    const json = JSON.stringify;
    await insertAll(
      db,
      'users',
      counts.users,
      (i) => ({
        id: userId(i),
        username: `seed-user-${i}`,
        email: `seed-user-${i}@example.com`,
        email_verified: 1,
        profile: json({ name: `Seed User ${i}` }),
        password_hash: null,
        password_changed_at: null,
        disabled: 0,
        created_at: now - DAY,
        updated_at: now - DAY,
      }),
      progress,
    );
    await insertAll(
      db,
      'clients',
      counts.clients,
      (i) => ({
        client_id: clientId(i),
        name: `Seed client ${i}`,
        type: 'confidential',
        // Not a hash of anything: seeded clients are never used to authenticate.
        secret_hash: 'seed-unusable',
        redirect_uris: json([`https://app-${i}.example.com/callback`]),
        post_logout_redirect_uris: json([]),
        grant_types: json(['authorization_code', 'refresh_token']),
        scopes: json(['openid', 'profile', 'email', 'offline_access']),
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
        allowed_resources: json([]),
        created_at: now - DAY,
        updated_at: now - DAY,
      }),
      progress,
    );
    const scopes = json(['openid', 'profile', 'email', 'offline_access']);
    await insertAll(
      db,
      'grants',
      counts.grants,
      (i) => ({
        id: `seed-grant-${i}`,
        client_id: clientId(i % counts.clients),
        user_id: userId(i % counts.users),
        scopes,
        resources: json([]),
        sid: `seed-sid-${i}`,
        created_at: now - DAY,
        revoked_at: null,
      }),
      progress,
    );
    // One live refresh token per grant: housekeeping keeps them (neither idle nor absolute end passed).
    await insertAll(
      db,
      'refresh_tokens',
      counts.grants,
      (i) => ({
        token_hash: tokenHash(i),
        grant_id: `seed-grant-${i}`,
        client_id: clientId(i % counts.clients),
        user_id: userId(i % counts.users),
        scopes,
        created_at: now - DAY,
        idle_expires_at: now + 30 * DAY,
        absolute_expires_at: now + 90 * DAY,
        rotated_at: null,
      }),
      progress,
    );
    const types = ['login.succeeded', 'token.issued', 'token.refreshed', 'login.failed', 'token.revoked'];
    await insertAll(
      db,
      'audit_events',
      counts.auditEvents,
      (i) => ({
        type: types[i % types.length],
        // Oldest first, so ids and times grow together as they do in a real log.
        at: now - Math.floor(((counts.auditEvents - i) / counts.auditEvents) * AUDIT_SPAN_DAYS * DAY),
        user_id: userId(i % counts.users),
        client_id: clientId(i % counts.clients),
        ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        details: '{}',
      }),
      progress,
    );
    return counts;
  } finally {
    await stores.close();
  }
}

export interface SeededStore {
  readonly url: string;
  readonly counts: SeedCounts;
  /** Removes the store this module created (a temporary SQLite directory or a bench schema). */
  release(): Promise<void>;
}

/** A new store (SQLite in a temporary directory, or a new PostgreSQL schema), seeded. */
export async function createSeededStore(
  dialect: 'sqlite' | 'postgres',
  scale: number,
  progress: (message: string) => void,
): Promise<SeededStore> {
  let url: string;
  let release: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-seeded-'));
    url = `sqlite:${dir}/latchkey.db`;
    release = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const schema = await createBenchSchema();
    url = schema.url;
    release = schema.drop;
  }
  try {
    const started = performance.now();
    const counts = await seedStore(url, scale, progress);
    progress(`seeded ${dialect} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return { url, counts, release };
  } catch (error) {
    await release();
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { database: { type: 'string' }, scale: { type: 'string', default: '1' } },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 10)) {
    console.error(`--scale must be a number above 0 and at most 10 (got ${values.scale})`);
    process.exit(2);
  }
  if (values.database === undefined) {
    console.error('--database is required: sqlite:PATH, a postgres:// URL, or `postgres` (a new schema)');
    process.exit(2);
  }
  const url = values.database === 'postgres' ? (await createBenchSchema()).url : values.database;
  const started = performance.now();
  const counts = await seedStore(url, scale, (message) => process.stderr.write(`seed: ${message}\n`));
  const seconds = (performance.now() - started) / 1000;
  const rows = counts.users + counts.clients + 2 * counts.grants + counts.auditEvents;
  console.log(
    `Seeded ${url.replace(/\/\/[^@]*@/, '//')}: ${JSON.stringify(counts)} — ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s)`,
  );
}
