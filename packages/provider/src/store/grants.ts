import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { GrantsTable, ProviderSchema } from './schema.js';
import type { GrantRecord, GrantStore } from './types.js';

export function createGrantStore(db: Kysely<ProviderSchema>): GrantStore {
  /** Revokes the live grants whose `column` is `value` and counts them; a revoked grant stays as it was. */
  const revokeLive = (at: number, column: 'sid' | 'user_id', value: string) =>
    retryingSerializationFailures(async () =>
      changedRows(
        await db
          .updateTable('grants')
          .set({ revoked_at: at })
          .where(column, '=', value)
          .where('revoked_at', 'is', null)
          .executeTakeFirst(),
      ),
    );
  // Read on every refresh, UserInfo and introspection: compiled once (lib/compiled-once.ts).
  const selectById = compiledOnce(1, (id: string) =>
    db.selectFrom('grants').selectAll().where('id', '=', id),
  );
  // Every revocation (RFC 7009) and every reuse of a refresh token: compiled once. RETURNING says whether
  // this statement was the one that revoked it, on both dialects, like the rotation's UPDATE.
  const revokeById = compiledOnce(2, (at: number, id: string) =>
    db
      .updateTable('grants')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id'),
  );
  return {
    async create(grant) {
      await mapConflict(
        'grant',
        () => 'id',
        () => db.insertInto('grants').values(toRow(grant)).execute(),
      );
    },
    async get(id) {
      const [row] = (await selectById(db, id)).rows;
      return row === undefined ? undefined : grantFromRow(row);
    },
    async revoke(id, at) {
      return retryingSerializationFailures(async () => (await revokeById(db, at, id)).rows.length > 0);
    },
    async revokeBySid(sid, at) {
      return revokeLive(at, 'sid', sid);
    },
    async revokeByUser(userId, at) {
      return revokeLive(at, 'user_id', userId);
    },
    async revokeByUserAndClient(userId, clientId, at) {
      return retryingSerializationFailures(async () =>
        changedRows(
          await db
            .updateTable('grants')
            .set({ revoked_at: at })
            .where('user_id', '=', userId)
            .where('client_id', '=', clientId)
            .where('revoked_at', 'is', null)
            .executeTakeFirst(),
        ),
      );
    },
    async listBySid(sid) {
      // The grants_sid index serves it; ties in created_at are broken by id so the order is stable.
      const rows = await db
        .selectFrom('grants')
        .selectAll()
        .where('sid', '=', sid)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(grantFromRow);
    },
    async listLiveByUser(userId) {
      // grants_user_id finds the grants; refresh_tokens_grant_id serves each one's max(created_at).
      const rows = await db
        .selectFrom('grants')
        .selectAll('grants')
        .select((eb) =>
          eb
            .selectFrom('refresh_tokens')
            .select((sub) => sub.fn.max('refresh_tokens.created_at').as('latest'))
            .whereRef('refresh_tokens.grant_id', '=', 'grants.id')
            .as('last_refresh'),
        )
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      return rows
        .map((row) => ({
          ...grantFromRow(row),
          // PostgreSQL answers a bigint aggregate as a string.
          lastUsedAt: Math.max(row.created_at, Number(row.last_refresh ?? 0)),
        }))
        .sort((a, b) => b.lastUsedAt - a.lastUsedAt || a.id.localeCompare(b.id));
    },
  };
}

function toRow(grant: GrantRecord): GrantsTable {
  return {
    id: grant.id,
    client_id: grant.clientId,
    user_id: grant.userId,
    scopes: toJsonColumn(grant.scopes),
    resources: toJsonColumn(grant.resources),
    sid: grant.sid,
    created_at: grant.createdAt,
    revoked_at: grant.revokedAt,
  };
}

export function grantFromRow(row: Selectable<GrantsTable>): GrantRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: fromJsonColumn<string[]>(row.scopes),
    resources: fromJsonColumn<string[]>(row.resources),
    sid: row.sid,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
