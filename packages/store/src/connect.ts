import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type SqliteDatabase from 'better-sqlite3';
import { type DatabaseTarget, parseDatabaseUrl, redactDatabaseUrl } from './lib/database-url.js';
import { Kysely, PostgresDialect, sql } from './lib/kysely.js';
import { pgTypeParsers } from './lib/pg-types.js';
import { ImmediateSqliteDialect } from './lib/sqlite-dialect.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open database: a Kysely instance and what callers may need to know about it. */
export interface Database {
  // biome-ignore lint/suspicious/noExplicitAny: plumbing is schema-agnostic; each package types its own tables
  readonly db: Kysely<any>;
  readonly dialect: Dialect;
  /** The URL with any password removed, safe for logs and messages. */
  readonly url: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL pool size (default 10). SQLite always has one connection. */
  readonly poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;
const SQLITE_BUSY_TIMEOUT_MS = 5000;
/**
 * Pages the WAL may hold before the committing query copies them into the database (SQLite's default is
 * 1,000). A checkpoint runs on the event loop and ends with two fsyncs (several ms on a virtual disk);
 * under token load the default meant one every ~50 ms. 10,000 pages (~40 MB of WAL on disk) makes
 * them ten times rarer and each copies a hot page once, not ten times: a rotating refresh was ~25%
 * cheaper in SQLite. Durability is unchanged: a commit is in the WAL either way.
 */
const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Opens SQLite or PostgreSQL from a URL and checks it answers, so a wrong URL fails at start with a
 * message naming the (redacted) URL rather than on the first request.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const redacted = redactDatabaseUrl(url);
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new TypeError(`poolSize must be a positive integer, got ${String(options.poolSize)}`);
  }
  // Each driver is loaded only when its dialect is used: `pg` alone adds ~7 MB to a SQLite
  // provider's idle RSS (it pulls in Node's fetch stack), and a PostgreSQL cluster never needs SQLite.
  const db =
    target.dialect === 'postgres' ? await openPostgres(target, poolSize) : await openSqlite(target, redacted);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new Error(`Cannot connect to database ${redacted}: ${describe(error)}`, { cause: error });
  }
  return { db, dialect: target.dialect, url: redacted, close: () => db.destroy() };
}

async function openPostgres(
  target: Extract<DatabaseTarget, { dialect: 'postgres' }>,
  max: number,
  // biome-ignore lint/suspicious/noExplicitAny: see Database.db
): Promise<Kysely<any>> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max,
    types: pgTypeParsers(pg.types),
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the
  // process. The pool drops that client and the next query gets a fresh one, so there is nothing to do.
  pool.on('error', () => {});
  // A client checked out of the pool (between two statements of a transaction, or just acquired) that
  // loses its connection — PostgreSQL restarting sends 57P01 — emits 'error' on the client itself, where
  // no pool handler listens: unhandled, it kills the process. The query in progress or the next one
  // fails with that error (the request gets a 503), and the pool discards the client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}

async function openSqlite(
  target: Extract<DatabaseTarget, { dialect: 'sqlite' }>,
  redacted: string,
  // biome-ignore lint/suspicious/noExplicitAny: see Database.db
): Promise<Kysely<any>> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  let handle: SqliteDatabase.Database;
  try {
    if (!target.inMemory) mkdirSync(dirname(target.path), { recursive: true });
    handle = new SqliteDatabase(target.path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`Cannot open SQLite database ${redacted}: ${describe(error)}`, { cause: error });
  }
  // WAL: readers do not block the writer; NORMAL is durable across application crashes in WAL mode
  // (only an OS crash can lose the last commits). foreign_keys is off by default in SQLite.
  if (!target.inMemory) handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
  handle.pragma('foreign_keys = ON');
  handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return new Kysely({ dialect: new ImmediateSqliteDialect({ database: handle }) });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
