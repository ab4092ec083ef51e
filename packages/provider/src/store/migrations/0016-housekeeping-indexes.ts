import type { Kysely, Migration } from '@latchkey/store';

/**
 * Indexes housekeeping needs at scale (bench/explain.ts finds a statement that reads a table without
 * one). Deleting unused dynamically registered clients asks, per registration, whether the client got
 * a grant or a refresh token lately: without an index on (client_id, created_at) each question read
 * every grant and every refresh token, a million each in a large deployment, every pass. Expired
 * initial access tokens are found by their end, like every other expiring row.
 */
export const housekeepingIndexes: Migration = {
  name: '0016-housekeeping-indexes',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('grants_client_id_created_at')
      .on('grants')
      .columns(['client_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('refresh_tokens_client_id_created_at')
      .on('refresh_tokens')
      .columns(['client_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('initial_access_tokens_expires_at')
      .on('initial_access_tokens')
      .column('expires_at')
      .execute();
  },
};
