import { type Kysely, type Migration, sql } from '@latchkey/store';

/**
 * Single-use links sent by email (verify an address, reset a password): the SHA-256 of the token,
 * the account and address it is for, and when it expires or was used. Deleting the user deletes them.
 * Users are found by address (password reset), so lower(email) is indexed.
 */
export const emailLinks: Migration = {
  name: '0012-email-links',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('email_links')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('purpose', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('email_links_user_id')
      .on('email_links')
      .columns(['user_id', 'purpose'])
      .execute();
    await db.schema.createIndex('email_links_expires_at').on('email_links').column('expires_at').execute();
    await db.schema.createIndex('users_email_lower').on('users').expression(sql`lower(email)`).execute();
  },
};
