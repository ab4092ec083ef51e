import type { Kysely, Migration } from '@latchkey/store';

/**
 * Machine identity (issue 19):
 * - DPoP (RFC 9449): a client may be registered to always use DPoP (§5.2 `dpop_bound_access_tokens`),
 *   and a public client's refresh tokens remember the key thumbprint they are bound to (§5), which
 *   rotation carries to the successor. Existing clients and tokens are unbound.
 * - Pushed authorization requests (RFC 9126): the pushed parameters under the SHA-256 of their
 *   `request_uri`, consumed once (`consumed_at`), and a client may be required to push
 *   (§6 `require_pushed_authorization_requests`).
 */
export const machineIdentity: Migration = {
  name: '0009-machine-identity',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('clients')
      .addColumn('dpop_bound_access_tokens', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('clients')
      .addColumn('require_pushed_authorization_requests', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('refresh_tokens').addColumn('dpop_jkt', 'text').execute();
    await db.schema
      .createTable('pushed_authorization_requests')
      .addColumn('request_uri_hash', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('params', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('pushed_authorization_requests_expires_at')
      .on('pushed_authorization_requests')
      .column('expires_at')
      .execute();
  },
};
