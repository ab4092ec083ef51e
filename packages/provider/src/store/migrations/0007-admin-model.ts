import type { Kysely, Migration } from '@latchkey/store';
import { GROUP_MEMBERS_USER_INDEX } from '../schema.js';

/**
 * What the operator's CLI (and later the admin API) changes without deleting (issue 14):
 * - clients: `disabled`, and the previous secret's hash with the end of its overlap, so a rotated
 *   secret keeps working for the time the operator chose while apps are redeployed;
 * - users: `deleted_at`, set when a user is erased (the row stays as a tombstone holding only the
 *   random `sub`, so a subject identifier is never reassigned: OIDC Core §2);
 * - groups and their members, released as the `groups` claim under the `groups` scope.
 * One ADD COLUMN per statement: SQLite accepts no more.
 */
export const adminModel: Migration = {
  name: '0007-admin-model',
  // biome-ignore lint/suspicious/noExplicitAny: the migration runs against the schema of its time
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('clients')
      .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('clients').addColumn('previous_secret_hash', 'text').execute();
    await db.schema.alterTable('clients').addColumn('previous_secret_expires_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();

    await db.schema
      .createTable('groups')
      .addColumn('name', 'text', (col) => col.primaryKey())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .execute();
    await db.schema
      .createTable('group_members')
      .addColumn('group_name', 'text', (col) => col.notNull())
      .addColumn('user_id', 'text', (col) => col.notNull())
      .addColumn('added_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('group_members_pk', ['group_name', 'user_id'])
      .execute();
    // The token path asks "which groups is this user in?": by user, not by group.
    await db.schema.createIndex(GROUP_MEMBERS_USER_INDEX).on('group_members').column('user_id').execute();
  },
};
