import { type Kysely, type Migration, sql } from '@latchkey/store';
import { ONE_CURRENT_KEY_INDEX, USERNAME_INDEX } from '../schema.js';

/** Clients, users, signing keys and leases. Column conventions: see ../schema.ts. */
export const initial: Migration = {
  name: '0001-initial',
  // biome-ignore lint/suspicious/noExplicitAny: the schema does not exist yet
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('clients')
      .addColumn('client_id', 'text', (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('redirect_uris', 'text', (col) => col.notNull())
      .addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull())
      .addColumn('grant_types', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('token_endpoint_auth_method', 'text', (col) => col.notNull())
      .addColumn('id_token_signed_response_alg', 'text', (col) => col.notNull())
      .addColumn('jwks', 'text')
      .addColumn('jwks_uri', 'text')
      .addColumn('allowed_resources', 'text', (col) => col.notNull())
      .addColumn('backchannel_logout_uri', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('username', 'text', (col) => col.notNull())
      .addColumn('email', 'text')
      .addColumn('email_verified', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('profile', 'text', (col) => col.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('password_changed_at', 'bigint')
      .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    // Usernames are stored lower-cased; the index on lower() keeps them unique case-insensitively even
    // if a row is ever written by hand.
    await db.schema
      .createIndex(USERNAME_INDEX)
      .on('users')
      .unique()
      .expression(sql`lower(username)`)
      .execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (col) => col.primaryKey())
      .addColumn('alg', 'text', (col) => col.notNull())
      .addColumn('state', 'text', (col) => col.notNull())
      .addColumn('public_jwk', 'text', (col) => col.notNull())
      .addColumn('encrypted_private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('activated_at', 'bigint')
      .addColumn('retired_at', 'bigint')
      .execute();
    // At most one signing key per algorithm: two instances bootstrapping or rotating at once cannot both
    // make a `current` key (partial indexes: SQLite 3.8, PostgreSQL, CockroachDB 20.2).
    await db.schema
      .createIndex(ONE_CURRENT_KEY_INDEX)
      .on('signing_keys')
      .unique()
      .column('alg')
      .where(sql.ref('state'), '=', 'current')
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('holder', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
  },
};
