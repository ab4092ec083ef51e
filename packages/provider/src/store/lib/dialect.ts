import { type Kysely, sql } from '@latchkey/store';

/**
 * Whether `db` (a Kysely instance or transaction) speaks PostgreSQL, for the rare DDL that has no
 * portable spelling. Told from the query compiler, which numbers placeholders (`$1`) on PostgreSQL and
 * CockroachDB and writes `?` on SQLite: no round trip, and works inside a migration's transaction,
 * which only receives the Kysely instance.
 */
// biome-ignore lint/suspicious/noExplicitAny: asked of any schema, including one a migration is creating
export function isPostgres(db: Kysely<any>): boolean {
  return sql`select ${1}`.compile(db).sql.includes('$1');
}
