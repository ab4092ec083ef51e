import type { Kysely, Migration } from '@latchkey/store';

/**
 * Issue 15: provider settings an administrator changes at run time, shared by every instance of a
 * cluster on one database.
 * - runtime_settings: one row per overridden setting (its dotted config path), the value as JSON, and
 *   who changed it when. No row: the configured value applies.
 * - runtime_settings_revision: one row whose number goes up with every change, so an instance asks one
 *   cheap question every few seconds ("has anything changed?") and two admins racing on one version
 *   cannot both win (the change is a compare-and-set on this number).
 */
export const runtimeSettings: Migration = {
  name: '0017-runtime-settings',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('runtime_settings')
      .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('actor_type', 'varchar(20)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(255)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('runtime_settings_revision')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('runtime_settings_revision').values({ id: 1, revision: 0 }).execute();
  },
};
