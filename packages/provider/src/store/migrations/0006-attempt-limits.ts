import type { Kysely, Migration } from '@latchkey/store';

/**
 * Limits that hold under concurrency (checklist L1, L3):
 * - `throttles.refused` counts attempts refused while a key is throttled, so a flood of refused
 *   sign-ins is audited as a few rows carrying a count instead of one row each.
 * - `request_rates` holds one row per rate-limited key (a client, an address) for requests that create
 *   rows without authenticating a person (device authorization): the key's theoretical arrival time
 *   (GCRA), in milliseconds. Housekeeping deletes rows whose time has passed.
 */
export const attemptLimits: Migration = {
  name: '0006-attempt-limits',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('throttles')
      .addColumn('refused', 'bigint', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('request_rates')
      .addColumn('key_hash', 'text', (col) => col.primaryKey())
      .addColumn('arrival_at_ms', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('request_rates_arrival_at_ms')
      .on('request_rates')
      .column('arrival_at_ms')
      .execute();
  },
};
