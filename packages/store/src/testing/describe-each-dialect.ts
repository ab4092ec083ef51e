import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { type Database, type Dialect, openDatabase } from '../connect.js';
import { redactDatabaseUrl } from '../lib/database-url.js';
import { sql } from '../lib/kysely.js';

export interface DialectContext {
  readonly dialect: Dialect;
  /**
   * The URL of a new, empty database: a temporary SQLite file, or a new PostgreSQL schema that every
   * connection opened from this URL uses (`search_path`). Open it as often as you like (two stores on
   * one database for race tests); close what you open. Dropped after the suite.
   */
  freshUrl(): Promise<string>;
  /** Opens a new, empty database (see freshUrl); the harness closes it after the suite. */
  open(): Promise<Database>;
}

const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];
const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Declares one contract suite per dialect (node:test `describe`), so every storage implementation is
 * tested on SQLite and on PostgreSQL by the same code. PostgreSQL is found at DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test); when it is unreachable the suite fails, it never skips.
 */
export function describeEachDialect(title: string, suite: (ctx: DialectContext) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${title} (${dialect})`, () => {
      const environment = dialect === 'sqlite' ? sqliteEnvironment() : postgresEnvironment();
      const opened: Database[] = [];
      const ctx: DialectContext = {
        dialect,
        freshUrl: () => environment.freshUrl(),
        open: async () => {
          const database = await openDatabase(await environment.freshUrl());
          opened.push(database);
          return database;
        },
      };
      before(() => environment.ready());
      suite(ctx);
      // Registered after the suite's own hooks so it runs last: drop nothing that is still in use.
      after(async () => {
        await Promise.all(opened.map((database) => database.close()));
        await environment.tearDown();
      });
    });
  }
}

interface Environment {
  ready(): Promise<void>;
  freshUrl(): Promise<string>;
  tearDown(): Promise<void>;
}

/** One temporary directory per suite, one file per fresh database: a file costs about a millisecond. */
function sqliteEnvironment(): Environment {
  let directory: string | undefined;
  let count = 0;
  const dir = () => {
    directory ??= mkdtempSync(join(tmpdir(), 'latchkey-store-'));
    return directory;
  };
  return {
    ready: async () => {
      dir();
    },
    freshUrl: async () => `sqlite:${join(dir(), `${++count}.db`)}`,
    tearDown: async () => {
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** One schema per fresh database, created and dropped through one small admin pool per suite. */
function postgresEnvironment(): Environment {
  const baseUrl = process.env['DATABASE_URL'] ?? DEFAULT_POSTGRES_URL;
  const schemas: string[] = [];
  let admin: Promise<Database> | undefined;
  const connect = () => {
    admin ??= openDatabase(baseUrl, { poolSize: 2 }).catch((error: unknown) => {
      throw new Error(unreachableMessage(baseUrl, error), { cause: error });
    });
    return admin;
  };
  return {
    ready: async () => {
      await connect();
    },
    freshUrl: async () => {
      const { db } = await connect();
      const schema = `t_${randomBytes(8).toString('hex')}`;
      await sql`create schema ${sql.id(schema)}`.execute(db);
      schemas.push(schema);
      return withSearchPath(baseUrl, schema);
    },
    tearDown: async () => {
      if (admin === undefined) return;
      const database = await admin.catch(() => undefined);
      if (database === undefined) return;
      for (const schema of schemas)
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    },
  };
}

/** Every connection opened from the returned URL starts with `search_path` set to the schema. */
function withSearchPath(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  const existing = url.searchParams.get('options');
  const option = `-c search_path=${schema}`;
  url.searchParams.set('options', existing ? `${existing} ${option}` : option);
  return url.toString();
}

function unreachableMessage(url: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return (
    `PostgreSQL is not reachable at ${redactDatabaseUrl(url)} (${reason}). The contract tests run on ` +
    'SQLite and PostgreSQL and never skip one. Start PostgreSQL, e.g. `docker run --rm -d -p 5432:5432 ' +
    '-e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:16`, or set DATABASE_URL.'
  );
}
