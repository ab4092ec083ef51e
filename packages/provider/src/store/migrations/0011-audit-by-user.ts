import type { Kysely, Migration } from '@latchkey/store';

/**
 * The account page lists a user's own recent security events: an index on (user_id, at) keeps that a
 * range read however large the audit log grows, instead of a scan of every event.
 */
export const auditByUser: Migration = {
  name: '0011-audit-by-user',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('audit_events_user_id_at')
      .on('audit_events')
      .columns(['user_id', 'at'])
      .execute();
  },
};
