import { type Kysely, type Migration, sql } from '@latchkey/store';
import { isPostgres } from '../lib/dialect.js';
import { foldedKeySql } from '../lib/prefix.js';

/**
 * PostgreSQL only: the admin searches' folded keys become lower(column collate "C") (lib/prefix.ts), the
 * same text as migration 0018's translate() over A–Z, computed ~10× faster: a search that filters rows
 * by a key computes it per row (the email half of a user search read 940 rows for a page, 4.4 ms with
 * translate(), 0.4 ms with lower(); issue 15: p50 ≤ 5 ms). Each index keeps its name and shape; only its
 * expression changes, so the statements must name the new one (a query on the old expression would no
 * longer find an index). SQLite's keys were lower(column) already: nothing to do there.
 */
export const adminSearchLower: Migration = {
  name: '0019-admin-search-lower',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    if (!isPostgres(db)) return;
    const rebuild = async (name: string, table: string, column: string, where?: string) => {
      await db.schema.dropIndex(name).execute();
      let index = db.schema
        .createIndex(name)
        .on(table)
        .expression(sql.raw(foldedKeySql(true, column)));
      if (where !== undefined) index = index.where(sql.raw<boolean>(where));
      await index.execute();
    };
    await rebuild('users_username_key', 'users', 'username');
    await rebuild('users_email_key', 'users', 'email');
    await rebuild('users_disabled_key', 'users', 'username', 'deleted_at is null and disabled = 1');
    await rebuild('clients_name_key', 'clients', 'name');
    await rebuild('clients_client_id_key', 'clients', 'client_id');
  },
};
