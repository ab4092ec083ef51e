import type { Kysely, Migration } from '@latchkey/store';

/**
 * Second factors (issue 16):
 * - clients.mfa: `optional` or `required`, null for the provider's default (config `mfa.default`);
 * - totp_factors: one authenticator app per user; the seed sealed under LATCHKEY_SECRET (F3), the
 *   last time step a code was accepted for (F1: a code is refused in a step already used), and when
 *   the first code confirmed it (an unconfirmed seed is an enrolment in progress, not a factor);
 * - recovery_codes: SHA-256 of each single-use code, with when it was used (DESIGN rule 7);
 * - passkeys: WebAuthn credentials (public key, signature counter, transports, backup state), named by
 *   their owner, several per user.
 * Deleting the user deletes them.
 */
export const secondFactors: Migration = {
  name: '0015-second-factors',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema.alterTable('clients').addColumn('mfa', 'text').execute();
    await db.schema
      .createTable('totp_factors')
      .addColumn('user_id', 'text', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('sealed_seed', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('last_step', 'bigint')
      .execute();
    await db.schema
      .createTable('recovery_codes')
      .addColumn('code_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema.createIndex('recovery_codes_user_id').on('recovery_codes').column('user_id').execute();
    await db.schema
      .createTable('passkeys')
      .addColumn('credential_id', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('counter', 'bigint', (col) => col.notNull())
      .addColumn('transports', 'text', (col) => col.notNull())
      .addColumn('backed_up', 'integer', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('passkeys_user_id').on('passkeys').column('user_id').execute();
  },
};
