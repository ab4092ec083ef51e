import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/**
 * Kysely's SQLite driver, with write transactions that start as `BEGIN IMMEDIATE`.
 *
 * Within one process Kysely already serialises every query and transaction on the single connection
 * (SqliteDriver holds a mutex from acquireConnection to releaseConnection). Across processes sharing the
 * file (the server and a `latchkey` CLI command), a deferred `BEGIN` that reads and then writes can fail
 * at once with SQLITE_BUSY when another process wrote in between, and busy_timeout cannot help because
 * waiting would deadlock. Taking the write lock at BEGIN makes the second process wait (busy_timeout).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
