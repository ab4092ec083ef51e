import { type Kysely, type Migration, sql } from '@latchkey/store';
import { isPostgres } from '../lib/dialect.js';
import { exactKeySql } from '../lib/prefix.js';

/**
 * Indexes for the admin API's and the console's searches, filters and counts (issue 15: every list
 * p50 ≤ 5 ms with 10,000 users and 1,000 clients; bench/explain.ts checks each statement uses one).
 *
 * A search is a range on a folded key (lib/prefix.ts), and each key gets an index on its exact
 * expression: on SQLite lower(username) and lower(email) have theirs already (0001, 0012); on
 * PostgreSQL every key is in the "C" collation, which no earlier index is, because under a database's
 * default collation neither a LIKE prefix nor a byte-order range can walk a btree. The audit log is
 * filtered by type (or type prefix) and by client newest first, so those indexes end with (at, id), its
 * order; users are counted from partial indexes rather than the rows.
 */
/**
 * The folded key as this migration indexed it (lib/prefix.ts then): frozen here, since a migration must
 * create what it always created. Migration 0019 replaces the PostgreSQL ones by lower(column collate "C").
 */
function foldedKeySql(postgres: boolean, column: string): string {
  return postgres
    ? `(translate(${column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') collate "C")`
    : `lower(${column})`;
}

export const adminSearchIndexes: Migration = {
  name: '0018-admin-search-indexes',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    const postgres = isPostgres(db);
    const index = (name: string, table: string, expression: string) =>
      db.schema.createIndex(name).on(table).expression(sql.raw(expression)).execute();
    if (postgres) {
      await index('users_username_key', 'users', foldedKeySql(true, 'username'));
      await index('users_email_key', 'users', foldedKeySql(true, 'email'));
    }
    await index('clients_name_key', 'clients', foldedKeySql(postgres, 'name'));
    await index('clients_client_id_key', 'clients', foldedKeySql(postgres, 'client_id'));
    await index('audit_events_type_at', 'audit_events', `${exactKeySql(postgres, 'type')}, at, id`);
    await db.schema
      .createIndex('audit_events_client_id_at')
      .on('audit_events')
      .columns(['client_id', 'at', 'id'])
      .execute();
    // Partial indexes, so that no list query is drawn to them: SQLite plans without statistics, and an
    // index keyed by deleted_at made it read every live user and sort them for a first page. The
    // disabled users (few) in username order, for that filter and its count; the erased (fewer), so
    // that live users are counted as all users (any index) less these.
    await db.schema
      .createIndex('users_disabled_key')
      .on('users')
      .expression(sql.raw(foldedKeySql(postgres, 'username')))
      .where(sql.raw<boolean>('deleted_at is null and disabled = 1'))
      .execute();
    await db.schema
      .createIndex('users_erased')
      .on('users')
      .column('id')
      .where(sql.raw<boolean>('deleted_at is not null'))
      .execute();
  },
};
