import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import type { GrantsTable, ProviderSchema } from './schema.js';
import type { GrantRecord, GrantStore } from './types.js';

export function createGrantStore(db: Kysely<ProviderSchema>): GrantStore {
  /** Revokes the live grants `where` narrows to; revoking twice changes nothing the second time. */
  const revokeLive = (at: number) =>
    db.updateTable('grants').set({ revoked_at: at }).where('revoked_at', 'is', null);
  return {
    async create(grant) {
      await mapConflict(
        'grant',
        () => 'id',
        () => db.insertInto('grants').values(toRow(grant)).execute(),
      );
    },
    async get(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async revoke(id, at) {
      return changedRows(await revokeLive(at).where('id', '=', id).executeTakeFirst()) > 0;
    },
    async revokeBySid(sid, at) {
      return changedRows(await revokeLive(at).where('sid', '=', sid).executeTakeFirst());
    },
    async revokeByUser(userId, at) {
      return changedRows(await revokeLive(at).where('user_id', '=', userId).executeTakeFirst());
    },
  };
}

function toRow(grant: GrantRecord): GrantsTable {
  return {
    id: grant.id,
    client_id: grant.clientId,
    user_id: grant.userId,
    scopes: toJsonColumn(grant.scopes),
    sid: grant.sid,
    created_at: grant.createdAt,
    revoked_at: grant.revokedAt,
  };
}

function fromRow(row: Selectable<GrantsTable>): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: fromJsonColumn<string[]>(row.scopes),
    sid: row.sid,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
