import { type Kysely, type Migration, sql } from '@latchkey/store';
import { isPostgres } from '../lib/dialect.js';
import { SESSION_SID_INDEX } from '../schema.js';

/**
 * What the sign-in flow keeps: provider sessions, consents, grants, authorization codes and the audit
 * log. Column conventions: see ../schema.ts. Sessions and consents belong to a user (and a consent to a
 * client): deleting either deletes them (foreign keys; SQLite has them on, see @latchkey/store).
 */
export const signIn: Migration = {
  name: '0002-sign-in',
  // biome-ignore lint/suspicious/noExplicitAny: the schema does not exist yet
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (col) => col.primaryKey())
      .addColumn('sid', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('amr', 'text', (col) => col.notNull())
      .addColumn('acr', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema.createIndex(SESSION_SID_INDEX).on('sessions').unique().column('sid').execute();
    await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('consents')
      .addColumn('user_id', 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (col) =>
        col.notNull().references('clients.client_id').onDelete('cascade'),
      )
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('granted_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('consents_pkey', ['user_id', 'client_id'])
      .execute();
    // The primary key serves lookups by user; deleting a client cascades through this one.
    await db.schema.createIndex('consents_client_id').on('consents').column('client_id').execute();

    await db.schema
      .createTable('grants')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text')
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('sid', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('grants_sid').on('grants').column('sid').execute();
    await db.schema.createIndex('grants_user_id').on('grants').column('user_id').execute();

    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_hash', 'text', (col) => col.primaryKey())
      .addColumn('grant_id', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('redirect_uri', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('nonce', 'text')
      .addColumn('code_challenge', 'text')
      .addColumn('sid', 'text', (col) => col.notNull())
      .addColumn('auth_time', 'bigint', (col) => col.notNull())
      .addColumn('acr', 'text')
      .addColumn('amr', 'text', (col) => col.notNull())
      .addColumn('claims_request', 'text')
      .addColumn('resources', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('authorization_codes_expires_at')
      .on('authorization_codes')
      .column('expires_at')
      .execute();

    // The one column with no portable spelling: an increasing id the database assigns. SQLite's
    // INTEGER PRIMARY KEY AUTOINCREMENT never reuses an id; PostgreSQL (and CockroachDB ≥ 21.2) use an
    // identity column. Kysely's schema builder expresses each, not one for both.
    const postgres = isPostgres(db);
    await db.schema
      .createTable('audit_events')
      .addColumn('id', postgres ? 'bigint' : 'integer', (col) =>
        postgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('at', 'bigint', (col) => col.notNull())
      .addColumn('user_id', 'text')
      .addColumn('client_id', 'text')
      .addColumn('ip', 'text')
      .addColumn('details', 'text', (col) => col.notNull().defaultTo(sql.lit('{}')))
      .execute();
    await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  },
};
