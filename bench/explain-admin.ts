/**
 * The query plan of every statement behind the admin API's lists and the console's pages, on the seeded
 * store of bench/lib/admin-store.ts (10,000 users, 1,000 clients, 200,000 audit events): bench/explain.ts
 * checks the token paths on an empty store, where an ordered walk of an index cannot be told from one
 * that filters thousands of rows; here the rows are there, so the plan is run and what it read is seen.
 *
 *   npm run bench:explain-admin                                 # SQLite (EXPLAIN QUERY PLAN)
 *   DATABASE_URL=postgres://…/empty_db npm run bench:explain-admin   # PostgreSQL (EXPLAIN ANALYZE)
 *
 * PostgreSQL: a statement is a finding when its plan has a Seq Scan on a seeded table or an index scan
 * whose filter removed more than 5,000 rows (it walked a good part of the table and threw it away, as
 * the user search once did with 9,000 of 10,000 users; a walk that a LIMIT ends after a few thousand
 * rows of a common type is bounded). SQLite: a `SCAN` of a seeded table without an index, or an index
 * read whole and then sorted. A count of every row of a table reads them all by nature: it is listed,
 * not a finding (the console overview keeps its counts for OVERVIEW_FIGURES_TTL). Exits 1 on a finding
 * and prints every plan.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { listGroupsWithMembers } from '../packages/provider/src/admin/groups/groups.js';
import * as admin from '../packages/provider/src/admin/index.js';
import { createUser } from '../packages/provider/src/admin/users/create.js';
import { clientId, startSeededProvider, username } from './lib/admin-store.js';

// Every statement the admin calls below prepare, by the call that made it (the prototypes are shared
// by the store's drivers, so the provider's own connections are recorded too).
const recorded: { label: string; sql: string; params: unknown[] }[] = [];
let label: string | undefined;
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, source: string) {
  if (label !== undefined) recorded.push({ label, sql: source, params: [] });
  return prepare.call(this, source);
} as typeof prepare;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (label !== undefined && typeof args[0] === 'string')
    recorded.push({ label, sql: args[0], params: Array.isArray(args[1]) ? args[1] : [] });
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/** The original query, untyped: the recorder above must not see the EXPLAINs. */
const rawQuery = query as unknown as (
  this: pg.Client,
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<Record<string, string>>>;

const { provider, dialect, close } = await startSeededProvider();
const stores = provider.stores;
// The console's administrator, in the administrators' group (as bench:console signs in).
await createUser(stores, { username: 'bench-admin', admin: true });
const now = Math.floor(Date.now() / 1000);
const cursorAt = (n: number) => Buffer.from(JSON.stringify(username(n))).toString('base64url');
const calls: [string, () => Promise<unknown>][] = [
  ['users: first page', () => admin.pageUsers(stores, { limit: 50 })],
  ['users: page at 90%', () => admin.pageUsers(stores, { limit: 50, cursor: cursorAt(9000) })],
  ['users: username prefix', () => admin.pageUsers(stores, { limit: 50, q: 'user-09' })],
  ['users: email prefix', () => admin.pageUsers(stores, { limit: 50, q: 'user-9' })],
  ['users: disabled', () => admin.pageUsers(stores, { limit: 50, disabled: true })],
  ['users: enabled', () => admin.pageUsers(stores, { limit: 50, disabled: false })],
  ['users: count', () => admin.countUsers(stores)],
  ['clients: first page', () => admin.pageClients(stores, { limit: 50 })],
  ['clients: name or id prefix', () => admin.pageClients(stores, { limit: 50, q: 'app 9' })],
  ['clients: count', () => admin.countClients(stores)],
  ['audit: newest', () => admin.listAuditEvents(stores, { limit: 200 })],
  ['audit: type', () => admin.listAuditEvents(stores, { limit: 200, type: 'sign_in.failure' })],
  ['audit: type prefix', () => admin.listAuditEvents(stores, { limit: 200, typePrefix: 'admin.' })],
  ['audit: user', () => admin.listAuditEvents(stores, { limit: 200, userId: 'bench-user-42' })],
  ['audit: client', () => admin.listAuditEvents(stores, { limit: 200, clientId: clientId(42) })],
  [
    'audit: a day',
    () => admin.listAuditEvents(stores, { limit: 200, since: now - 11 * 86_400, until: now - 10 * 86_400 }),
  ],
  ['overview: day figures', () => admin.countSignIns(stores, now - 86_400)],
  ['groups', () => admin.listGroups(stores)],
  ['groups: with members', () => listGroupsWithMembers(stores)],
  ['groups: members', () => admin.groupMembers(stores, admin.ADMIN_GROUP)],
  ['console: the admin and their group', () => admin.adminUserById(stores, 'bench-user-42')],
];
for (const [name, call] of calls) {
  label = name;
  await call();
  label = undefined;
}

const SEEDED = /\b(users|clients|audit_events|group_members)\b/;
const findings: string[] = [];
const report: string[] = [];
if (dialect === 'postgres') {
  const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
  await client.connect();
  for (const { label: at, sql, params } of recorded) {
    if (!/^\s*select/i.test(sql)) continue;
    const { rows } = await rawQuery.call(client, `explain analyze ${sql}`, params);
    const plan = rows.map((r) => r['QUERY PLAN']!);
    const removed = Math.max(
      0,
      ...plan.map((l) => Number(/Rows Removed by Filter: (\d+)/.exec(l)?.[1] ?? 0)),
    );
    const seq = plan.some((l) => /Seq Scan on (users|clients|audit_events)\b/.test(l));
    const time = /Execution Time: ([\d.]+)/.exec(plan.join('\n'))?.[1] ?? '?';
    const indexes = [
      ...new Set(
        plan.flatMap((l) => [
          ...(/(?:Index|Index Only|Bitmap Index) Scan (?:Backward )?(?:using|on) (\w+)/.exec(l)?.slice(1) ??
            []),
        ]),
      ),
    ];
    report.push(`| ${at} | ${indexes.join(', ') || '—'} | ${removed} | ${time} |`);
    const countsEveryRow = /^select count\(\*\) as "n" from "(users|clients)"$/.test(sql.trim());
    if ((seq && !countsEveryRow) || removed > 5000) findings.push(`[${at}] ${sql}\n  ${plan.join('\n  ')}`);
  }
  await client.end();
  console.log(`\nAdmin statements on seeded PostgreSQL (EXPLAIN ANALYZE)\n`);
  console.log('| call | indexes | rows removed by filter | execution ms |\n|---|---|---:|---:|');
} else {
  const file = stores.database.url.replace(/^sqlite:/, '');
  const db = new Database(file, { readonly: true });
  for (const { label: at, sql } of recorded) {
    if (!/^\s*select/i.test(sql) || !SEEDED.test(sql)) continue;
    const nulls = new Array(sql.split('?').length - 1).fill(null);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...nulls) as { detail: string }[]).map(
      (r) => r.detail,
    );
    report.push(`| ${at} | ${plan.join('; ')} |`);
    // A full scan of a table, or an index scanned whole without the LIMIT ending it in order (a sort
    // follows it), reads every row.
    const full = plan.some((d) => /^SCAN (users|clients|audit_events)( AS \w+)?$/.test(d));
    const wholeIndexThenSort =
      plan.some((d) => /^SCAN (users|clients|audit_events) USING INDEX/.test(d)) &&
      plan.some((d) => /TEMP B-TREE FOR ORDER BY/.test(d));
    if (full || wholeIndexThenSort) findings.push(`[${at}] ${sql}\n  ${plan.join('\n  ')}`);
  }
  db.close();
  console.log(`\nAdmin statements on seeded SQLite (EXPLAIN QUERY PLAN, no statistics)\n`);
  console.log('| call | plan |\n|---|---|');
}
console.log(report.join('\n'));
for (const f of findings) console.log(`\nfinding: ${f}`);
await close();
process.exit(findings.length > 0 ? 1 : 0);
