import type { Kysely, Migration } from '@latchkey/store';

/**
 * The RFC 8707 resources a grant was authorized for, so a refresh issues access tokens for the same
 * APIs (or fewer, when the client asks for fewer) instead of dropping them. Grants made before this
 * migration had no resources recorded: they get none, as their refreshes did until now.
 */
export const grantResources: Migration = {
  name: '0004-grant-resources',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('grants')
      .addColumn('resources', 'text', (col) => col.notNull().defaultTo('[]'))
      .execute();
  },
};
