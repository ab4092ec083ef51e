import type { Kysely, Migration } from '@latchkey/store';

/**
 * Dynamic client registration (RFC 7591, RFC 7592): one row per dynamically registered client, with
 * the SHA-256 of its registration access token (DESIGN rule 6), deleted with the client; and the
 * single-use initial access tokens an operator hands out when registration requires one.
 */
export const clientRegistrations: Migration = {
  name: '0008-client-registrations',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('client_registrations')
      .addColumn('client_id', 'text', (col) =>
        col.primaryKey().references('clients.client_id').onDelete('cascade'),
      )
      .addColumn('registration_token_hash', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('client_registrations_created_at')
      .on('client_registrations')
      .column('created_at')
      .execute();
    await db.schema
      .createTable('initial_access_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
  },
};
