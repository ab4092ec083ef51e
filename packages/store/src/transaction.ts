import type { Transaction } from 'kysely';
import type { Database } from './connect.js';

/**
 * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
 *
 * Inside `fn`, use only `trx`. On SQLite every query shares one connection that the transaction holds
 * until it ends, so a query on `database.db` from inside `fn` would wait for the transaction forever.
 * Concurrent callers are safe: Kysely's SQLite driver queues them behind that connection, and on
 * PostgreSQL each transaction has its own pooled connection.
 */
export function withTransaction<T>(
  database: Database,
  // biome-ignore lint/suspicious/noExplicitAny: schema-agnostic, like Database.db
  fn: (trx: Transaction<any>) => Promise<T>,
): Promise<T> {
  return database.db.transaction().execute(fn);
}
