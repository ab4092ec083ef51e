import type { Kysely, Migration } from '@latchkey/store';

/**
 * DPoP (RFC 9449): a client may be registered to always use DPoP (§5.2 `dpop_bound_access_tokens`),
 * and a public client's refresh tokens remember the key thumbprint they are bound to (§5), which
 * rotation carries to the successor. Existing clients and tokens are unbound.
 */
export const dpopBinding: Migration = {
  name: '0009-dpop-binding',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('clients')
      .addColumn('dpop_bound_access_tokens', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('refresh_tokens').addColumn('dpop_jkt', 'text').execute();
  },
};
