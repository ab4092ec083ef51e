import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from './kysely.js';

/** How many prepared statements one connection keeps; the provider's queries are a few dozen shapes. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver, with write transactions that start as `BEGIN IMMEDIATE` and a cache of
 * prepared statements.
 *
 * Within one process Kysely already serialises every query and transaction on the single connection
 * (SqliteDriver holds a mutex from acquireConnection to releaseConnection). Across processes sharing the
 * file (the server and a `latchkey` CLI command), a deferred `BEGIN` that reads and then writes can fail
 * at once with SQLITE_BUSY when another process wrote in between, and busy_timeout cannot help because
 * waiting would deadlock. Taking the write lock at BEGIN makes the second process wait (busy_timeout).
 *
 * Kysely's connection calls `prepare` on every query; compiling the SQL costs about as much as running
 * a point query. A statement belongs to its connection and is safe to reuse once the previous run has
 * finished, which the driver's mutex guarantees; SQLite re-prepares it by itself after a schema change.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    const { database } = this.#config;
    return new ImmediateSqliteDriver({
      ...this.#config,
      database: async () =>
        cachingStatements(typeof database === 'function' ? await database() : database, STATEMENT_CACHE_SIZE),
    });
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * The database with `prepare` answered from a least-recently-used cache keyed by SQL text. The bound
 * keeps memory flat if a caller ever builds SQL with varying text (an `in (…)` list of varying length).
 */
export function cachingStatements(database: SqliteDatabase, capacity: number): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => {
      const cached = statements.get(sql);
      if (cached !== undefined) {
        // Map keeps insertion order: re-inserting marks the entry as the most recently used.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) {
        const oldest = statements.keys().next().value as string;
        statements.delete(oldest);
      }
      return statement;
    },
  };
}
