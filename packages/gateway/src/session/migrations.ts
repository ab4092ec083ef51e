import type { Kysely, Migration, MigrationSet } from '@latchkey/store';

/** The gateway's tables, in their own namespace `gateway` (latchkey_gateway_migrations). */
export const initial: Migration = {
  name: '0001-sessions',
  // biome-ignore lint/suspicious/noExplicitAny: the schema does not exist yet
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('gateway_sessions')
      .addColumn('id_hash', 'text', (col) => col.primaryKey())
      .addColumn('provider', 'text', (col) => col.notNull())
      .addColumn('subject', 'text', (col) => col.notNull())
      .addColumn('sid', 'text')
      .addColumn('data', 'text', (col) => col.notNull())
      .addColumn('access_expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('gateway_sessions_sid')
      .on('gateway_sessions')
      .columns(['provider', 'sid'])
      .execute();
    await db.schema
      .createIndex('gateway_sessions_subject')
      .on('gateway_sessions')
      .columns(['provider', 'subject'])
      .execute();
    await db.schema
      .createTable('gateway_logins')
      .addColumn('state_hash', 'text', (col) => col.primaryKey())
      .addColumn('data', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
  },
};

export const GATEWAY_MIGRATIONS: MigrationSet = { namespace: 'gateway', migrations: [initial] };
