/**
 * Every statement the hot paths run, with its query plan, on SQLite and on PostgreSQL: fails (exit 1)
 * when one reads a table without an index. Drives a real provider in this process through its HTTP
 * endpoints — sign-in (authorize, login, consent), code exchange, refresh, introspection, UserInfo,
 * revocation, client_credentials — and one housekeeping pass, recording each statement the store prepares, then asks the database
 * how it would run it:
 *   SQLite: EXPLAIN QUERY PLAN; a `SCAN table` (no index) is a finding.
 *   PostgreSQL: EXPLAIN with the statement's own parameters and enable_seqscan off (an empty table
 *   would otherwise always be scanned); a `Seq Scan` that remains has no index to use.
 *
 *   npm run bench:explain
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createUser, loadConfig, startProvider } from '@latchkey/provider';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createHousekeeping } from '../packages/provider/src/housekeeping/index.js';
import { HttpBrowser } from '../test/helpers/http-browser.js';
import { API_RESOURCE, basicAuth, CHEAP_USER, REDIRECT_URI, serverSetup } from './lib/fixtures.js';
import { createBenchSchema } from './lib/postgres.js';
import { freePort } from './lib/server-entry.mjs';
import { authorize, exchangeCode, newPkce } from './lib/sign-in.js';

/** Statements as prepared, in order, per hot path (the phase running when they were first seen). */
const statements = new Map<string, { phase: string; params: readonly unknown[] }>();
let phase = 'startup';
const record = (sql: string, params: readonly unknown[] = []) => {
  if (phase !== 'done' && !statements.has(sql)) statements.set(sql, { phase, params });
};

const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, source: string) {
  record(source);
  return prepare.call(this, source);
} as typeof prepare;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (typeof args[0] === 'string') record(args[0], Array.isArray(args[1]) ? args[1] : []);
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** The original query, untyped: the recorder above must not see the EXPLAINs it runs. */
const rawQuery = query as unknown as (
  this: pg.Client,
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<Record<string, string>>>;

const HOT = /^\s*(select|update|delete|insert)/i;
const READS_TABLE = /^\s*(select|update|delete)|\bselect\b/i;

interface Finding {
  readonly phase: string;
  readonly sql: string;
  readonly plan: string;
}

async function drive(databaseUrl: string | undefined): Promise<void> {
  const setup = await serverSetup();
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-explain-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    env: {
      LATCHKEY_ISSUER: url,
      LATCHKEY_PORT: String(port),
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_LOG_LEVEL: 'warn',
      ...(databaseUrl ? { LATCHKEY_DATABASE_URL: databaseUrl } : {}),
    },
  });
  const provider = await startProvider(config, { secret: randomBytes(32) });
  try {
    const web = await createClient(provider.stores, {
      name: 'web',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'email', 'offline_access'],
    });
    const service = await createClient(provider.stores, {
      name: 'service',
      grantTypes: ['client_credentials'],
      scopes: ['api'],
      allowedResources: [API_RESOURCE],
    });
    const user = await createUser(provider.stores, { username: CHEAP_USER.username });
    await provider.stores.users.setPasswordHash(
      user.id,
      setup.cheapUser.passwordHash,
      Math.floor(Date.now() / 1000),
    );
    const webClient = { clientId: web.client.clientId, secret: web.secret ?? '' };
    const endpoints = { authorization: `${url}/authorize`, token: `${url}/token` };
    const form = (body: Record<string, string>, client = webClient) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
      body: new URLSearchParams(body).toString(),
    });
    const ok = async (response: Response) => {
      if (!response.ok) throw new Error(`${phase}: ${response.status} ${await response.text()}`);
      return response;
    };

    phase = 'sign-in';
    const pkce = newPkce();
    const browser = new HttpBrowser(url);
    const request = {
      client: webClient,
      account: CHEAP_USER,
      scope: 'openid profile email offline_access',
      pkce,
    };
    const code = await authorize(browser, endpoints, { ...request, prompt: 'consent' });
    phase = 'code exchange';
    const tokens = await exchangeCode(endpoints, webClient, code, pkce);
    phase = 'refresh';
    const refreshed = (await (
      await ok(
        await fetch(
          `${url}/token`,
          form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }),
        ),
      )
    ).json()) as { access_token: string; refresh_token: string };
    phase = 'introspection';
    await ok(await fetch(`${url}/introspect`, form({ token: refreshed.access_token })));
    await ok(await fetch(`${url}/introspect`, form({ token: refreshed.refresh_token })));
    phase = 'userinfo';
    await ok(
      await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } }),
    );
    phase = 'revocation';
    await ok(
      await fetch(
        `${url}/revoke`,
        form({ token: refreshed.refresh_token, token_type_hint: 'refresh_token' }),
      ),
    );
    phase = 'client_credentials';
    const serviceClient = { clientId: service.client.clientId, secret: service.secret ?? '' };
    await ok(
      await fetch(
        `${url}/token`,
        form({ grant_type: 'client_credentials', scope: 'api', resource: API_RESOURCE }, serviceClient),
      ),
    );
    // Housekeeping prunes in batches on a timer: each of its statements must find its rows by index
    // too, or a pass over millions of rows holds the store (and SQLite's one writer) for seconds.
    phase = 'housekeeping';
    await createHousekeeping({
      stores: provider.stores,
      now: () => Math.floor(Date.now() / 1000),
      instanceId: 'explain',
    }).runOnce();
    phase = 'done';
  } finally {
    await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function explainSqlite(): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-explain-db-'));
  const file = join(dir, 'latchkey.db');
  try {
    await drive(`sqlite:${file}`);
    const db = new Database(file, { readonly: true });
    const findings: Finding[] = [];
    for (const [sql, { phase: at }] of statements) {
      if (at === 'startup' || !HOT.test(sql) || !READS_TABLE.test(sql)) continue;
      // Kysely binds every value as `?`; NULLs do not change the plan SQLite chooses.
      const nulls = new Array(sql.split('?').length - 1).fill(null);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nulls) as { detail: string }[]).map(
        (r) => r.detail,
      );
      // `SCAN t` reads every row; `SEARCH t USING …` and a scan of a covering index for MIN/MAX do not.
      const scans = plan.filter(
        (d) => /^SCAN \w+( AS \w+)?$/.test(d) || /^SCAN \w+ USING (COVERING )?INDEX/.test(d),
      );
      if (scans.length > 0) findings.push({ phase: at, sql, plan: plan.join('; ') });
    }
    db.close();
    return findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function explainPostgres(): Promise<Finding[]> {
  const schema = await createBenchSchema();
  try {
    await drive(schema.url);
    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    const findings: Finding[] = [];
    try {
      await rawQuery.call(client, 'set enable_seqscan = off');
      for (const [sql, { phase: at, params }] of statements) {
        if (at === 'startup' || !HOT.test(sql) || !READS_TABLE.test(sql)) continue;
        const result = await rawQuery.call(client, `explain ${sql}`, params as unknown[]);
        const plan = result.rows.map((r) => r['QUERY PLAN']!.trim());
        if (plan.some((line) => line.includes('Seq Scan')))
          findings.push({ phase: at, sql, plan: plan.join('; ') });
      }
    } finally {
      await client.end();
    }
    return findings;
  } finally {
    await schema.drop();
  }
}

let failed = false;
for (const [name, explain] of [
  ['SQLite', explainSqlite],
  ['PostgreSQL', explainPostgres],
] as const) {
  statements.clear();
  phase = 'startup';
  const findings = await explain();
  const hot = [...statements.values()].filter((s) => s.phase !== 'startup').length;
  console.log(`${name}: ${hot} hot-path statements, ${findings.length} without an index`);
  // EXPLAIN_VERBOSE=1 lists every hot-path statement by the path that first ran it.
  if (process.env['EXPLAIN_VERBOSE']) {
    for (const [sql, s] of statements) if (s.phase !== 'startup') console.log(`  (${s.phase}) ${sql}`);
  }
  for (const f of findings) console.log(`  [${f.phase}] ${f.sql}\n    plan: ${f.plan}`);
  if (findings.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
