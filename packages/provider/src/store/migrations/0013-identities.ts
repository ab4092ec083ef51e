import type { Kysely, Migration } from '@latchkey/store';

/**
 * Identities at other providers (connectors): (connector id, upstream issuer, upstream subject) → one
 * Latchkey user, unique on the triple. Never keyed by email (nOAuth, checklist X2): the address is kept
 * only to show on the account page. Deleting the user deletes its identities.
 */
export const identities: Migration = {
  name: '0013-identities',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('identities')
      .addColumn('connector_id', 'text', (col) => col.notNull())
      .addColumn('issuer', 'text', (col) => col.notNull())
      .addColumn('subject', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('identities_pkey', ['connector_id', 'issuer', 'subject'])
      .execute();
    await db.schema.createIndex('identities_user_id').on('identities').column('user_id').execute();
  },
};
