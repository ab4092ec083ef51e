import type { Kysely } from '@latchkey/store';
import { changedRows } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import type { ProviderSchema } from './schema.js';
import type { GroupStore } from './types.js';

export function createGroupStore(db: Kysely<ProviderSchema>): GroupStore {
  return {
    async create(group) {
      await mapConflict(
        'group',
        () => 'name',
        () => db.insertInto('groups').values({ name: group.name, created_at: group.createdAt }).execute(),
      );
    },
    async get(name) {
      const row = await db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : { name: row.name, createdAt: row.created_at };
    },
    async list() {
      const rows = await db
        .selectFrom('groups')
        .leftJoin('group_members', 'group_members.group_name', 'groups.name')
        .select((eb) => [
          'groups.name',
          'groups.created_at',
          eb.fn.count<number | string | bigint>('group_members.user_id').as('members'),
        ])
        .groupBy(['groups.name', 'groups.created_at'])
        .orderBy('groups.name')
        .execute();
      return rows.map((row) => ({
        name: row.name,
        createdAt: row.created_at,
        memberCount: Number(row.members),
      }));
    },
    delete(name) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('group_members').where('group_name', '=', name).execute();
        const result = await trx.deleteFrom('groups').where('name', '=', name).executeTakeFirst();
        return changedRows(result) > 0;
      });
    },
    async addMember(name, userId, at) {
      // Portable "insert if absent" (SQLite and PostgreSQL both know ON CONFLICT DO NOTHING).
      const result = await db
        .insertInto('group_members')
        .values({ group_name: name, user_id: userId, added_at: at })
        .onConflict((oc) => oc.columns(['group_name', 'user_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async removeMember(name, userId) {
      const result = await db
        .deleteFrom('group_members')
        .where('group_name', '=', name)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async members(name) {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_name', '=', name)
        .orderBy('added_at')
        .orderBy('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },
    async memberUsernames(name) {
      // Each member's username by its primary key (a subquery per row), not a join: group_members is
      // small and changes rarely, so PostgreSQL's autovacuum may never analyze it, and without its
      // statistics the planner hashed a join over every user (2.7 ms at 10,000 users, for one member).
      let query = db
        .selectFrom('group_members')
        .select((eb) => [
          'group_members.group_name',
          eb
            .selectFrom('users')
            .select('users.username')
            .whereRef('users.id', '=', 'group_members.user_id')
            .as('username'),
        ]);
      if (name !== undefined) query = query.where('group_members.group_name', '=', name);
      const byGroup = new Map<string, string[]>();
      for (const row of await query.execute()) {
        // A membership whose user row is gone names no one.
        if (row.username === null) continue;
        const usernames = byGroup.get(row.group_name);
        if (usernames === undefined) byGroup.set(row.group_name, [row.username]);
        else usernames.push(row.username);
      }
      return byGroup;
    },
    async groupsOf(userId) {
      const rows = await db
        .selectFrom('group_members')
        .select('group_name')
        .where('user_id', '=', userId)
        .orderBy('group_name')
        .execute();
      return rows.map((row) => row.group_name);
    },
    async removeUserEverywhere(userId) {
      const result = await db.deleteFrom('group_members').where('user_id', '=', userId).executeTakeFirst();
      return changedRows(result);
    },
  };
}
