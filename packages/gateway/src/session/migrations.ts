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

/**
 * DPoP proof `jti`s (RFC 9449 §11.1) in the database, so every gateway of a cluster refuses a proof
 * another one accepted. Rows live for a proof's window (about a minute) and are purged with sessions.
 */
export const dpopReplay: Migration = {
  name: '0002-dpop-replay',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('gateway_dpop_replay')
      .addColumn('key', 'text', (col) => col.primaryKey())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('gateway_dpop_replay_expires_at')
      .on('gateway_dpop_replay')
      .column('expires_at')
      .execute();
  },
};

export const GATEWAY_MIGRATIONS: MigrationSet = { namespace: 'gateway', migrations: [initial, dpopReplay] };
