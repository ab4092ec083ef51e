import type { Kysely, Migration } from '@latchkey/store';

/**
 * DPoP authorization code binding (RFC 9449 §10): a code issued for an authorization request with
 * `dpop_jkt` remembers that thumbprint; redeeming it needs a proof by that key. Existing codes (at
 * most a minute old) are unbound.
 */
export const authorizationCodeDpop: Migration = {
  name: '0014-authorization-code-dpop',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema.alterTable('authorization_codes').addColumn('dpop_jkt', 'text').execute();
  },
};
