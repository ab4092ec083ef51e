import type { Kysely, Migration } from '@latchkey/store';

/**
 * Login and user-code throttling (checklist S1) shared by every instance on one database: one row per
 * throttled key (a hash of an account name, an address or a user code; never the name itself),
 * its failure count and the time of the last failure. Housekeeping deletes rows left idle.
 */
export const throttles: Migration = {
  name: '0005-throttles',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('throttles')
      .addColumn('key_hash', 'text', (col) => col.primaryKey())
      .addColumn('failures', 'bigint', (col) => col.notNull())
      .addColumn('last_failure_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('throttles_last_failure_at')
      .on('throttles')
      .column('last_failure_at')
      .execute();
  },
};
