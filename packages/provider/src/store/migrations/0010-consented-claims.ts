import type { Kysely, Migration } from '@latchkey/store';

/**
 * The claims a person consented to one by name (the `claims` parameter, OIDC Core §5.5) beyond what
 * the consented scopes release, so a later `prompt=none` request naming a claim never shown to them
 * is `consent_required`. Consents made before this migration name none.
 */
export const consentedClaims: Migration = {
  name: '0010-consented-claims',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('consents')
      .addColumn('claims', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
  },
};
