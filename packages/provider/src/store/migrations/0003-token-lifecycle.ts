import type { Kysely, Migration } from '@latchkey/store';
import { DEVICE_USER_CODE_INDEX } from '../schema.js';

/**
 * What the token lifecycle keeps: refresh tokens (rotated within their grant), device authorizations
 * (RFC 8628) and the replay cache for single-use values (client assertion `jti`). Column conventions:
 * see ../schema.ts. Like authorization codes, none of them has a foreign key: a grant is revoked, never
 * deleted, and housekeeping deletes them by expiry.
 */
export const tokenLifecycle: Migration = {
  name: '0003-token-lifecycle',
  // biome-ignore lint/suspicious/noExplicitAny: the schema does not exist yet
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('grant_id', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text')
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('idle_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('absolute_expires_at', 'bigint', (col) => col.notNull())
      .addColumn('rotated_at', 'bigint')
      .execute();
    await db.schema.createIndex('refresh_tokens_grant_id').on('refresh_tokens').column('grant_id').execute();
    await db.schema
      .createIndex('refresh_tokens_absolute_expires_at')
      .on('refresh_tokens')
      .column('absolute_expires_at')
      .execute();

    await db.schema
      .createTable('device_codes')
      .addColumn('device_code_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_code', 'text', (col) => col.notNull())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('scopes', 'text', (col) => col.notNull())
      .addColumn('resources', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('interval', 'bigint', (col) => col.notNull())
      .addColumn('last_polled_at', 'bigint')
      .addColumn('user_id', 'text')
      .addColumn('grant_id', 'text')
      .addColumn('sid', 'text')
      .addColumn('auth_time', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    // The user types the user code (RFC 8628 §3.3): it must name one authorization, so it is unique
    // among the rows kept; an expired row gives it up (see device-codes.ts create).
    await db.schema
      .createIndex(DEVICE_USER_CODE_INDEX)
      .on('device_codes')
      .unique()
      .column('user_code')
      .execute();
    await db.schema.createIndex('device_codes_expires_at').on('device_codes').column('expires_at').execute();

    await db.schema
      .createTable('replay_cache')
      .addColumn('key', 'text', (col) => col.primaryKey())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('replay_cache_expires_at').on('replay_cache').column('expires_at').execute();
  },
};
