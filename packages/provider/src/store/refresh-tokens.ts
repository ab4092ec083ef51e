import type { Kysely, Selectable } from '@latchkey/store';
import { grantFromRow } from './grants.js';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ProviderSchema, RefreshTokensTable } from './schema.js';
import type { RefreshTokenRecord, RefreshTokenStore } from './types.js';

export function createRefreshTokenStore(db: Kysely<ProviderSchema>): RefreshTokenStore {
  const insert = (executor: Kysely<ProviderSchema>, token: RefreshTokenRecord) =>
    mapConflict(
      'refresh token',
      () => 'token_hash',
      () => executor.insertInto('refresh_tokens').values(toRow(token)).execute(),
    );
  const read = (tokenHash: string) =>
    db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return {
    async create(token) {
      await insert(db, token);
    },
    async rotate(tokenHash, at, successor) {
      // DESIGN rule 7, RFC 9700 §4.14.2: one conditional UPDATE decides the winner, and the successor is
      // inserted in the same transaction, so a rotation either happened with its successor or not at all.
      // The loser of a race sees 'reused' (R1), and no second successor is ever stored.
      const won = await retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .updateTable('refresh_tokens')
            .set({ rotated_at: at })
            .where('token_hash', '=', tokenHash)
            .where('rotated_at', 'is', null)
            .returningAll()
            .executeTakeFirst();
          if (row !== undefined && successor !== undefined) {
            checkSuccessor(row, successor);
            await insert(trx, successor);
          }
          return row;
        }),
      );
      if (won !== undefined) return { status: 'rotated', token: fromRow(won) };
      const seen = await read(tokenHash);
      return seen === undefined ? { status: 'not_found' } : { status: 'reused', token: fromRow(seen) };
    },
    async get(tokenHash) {
      const row = await read(tokenHash);
      return row === undefined ? undefined : fromRow(row);
    },
    async getWithGrant(tokenHash) {
      // One primary-key read of each table (a LEFT JOIN on grants.id) instead of two round trips.
      const row = await db
        .selectFrom('refresh_tokens as t')
        .leftJoin('grants as g', 'g.id', 't.grant_id')
        .selectAll('t')
        .select([
          'g.id as g_id',
          'g.client_id as g_client_id',
          'g.user_id as g_user_id',
          'g.scopes as g_scopes',
          'g.resources as g_resources',
          'g.sid as g_sid',
          'g.created_at as g_created_at',
          'g.revoked_at as g_revoked_at',
        ])
        .where('t.token_hash', '=', tokenHash)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const grant =
        row.g_id === null
          ? undefined
          : grantFromRow({
              id: row.g_id,
              client_id: row.g_client_id!,
              user_id: row.g_user_id,
              scopes: row.g_scopes!,
              resources: row.g_resources!,
              sid: row.g_sid,
              created_at: row.g_created_at!,
              revoked_at: row.g_revoked_at,
            });
      return { token: fromRow(row), grant };
    },
    deleteExpired(before, limit) {
      // By the family's absolute end, not the idle one: a rotated token is kept while its family lives,
      // so presenting it again is still recognised as reuse and revokes the grant (R1). The idle end is
      // the caller's check.
      return deleteBatchBefore(db, 'refresh_tokens', 'token_hash', 'absolute_expires_at', before, limit);
    },
  };
}

/**
 * A successor continues its predecessor's family (RFC 9700 §4.14.2): same grant and client, the
 * family's absolute end is never pushed back, and it is live. Thrown inside the transaction, so nothing
 * is rotated.
 */
function checkSuccessor(predecessor: Selectable<RefreshTokensTable>, successor: RefreshTokenRecord): void {
  if (successor.grantId !== predecessor.grant_id || successor.clientId !== predecessor.client_id) {
    throw new TypeError('A refresh token successor must belong to the same grant and client');
  }
  if (successor.absoluteExpiresAt > predecessor.absolute_expires_at) {
    throw new TypeError('A refresh token successor cannot outlive its family');
  }
  if (successor.rotatedAt !== null) throw new TypeError('A refresh token successor must not be rotated yet');
}

function toRow(token: RefreshTokenRecord): RefreshTokensTable {
  return {
    token_hash: token.tokenHash,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scopes: toJsonColumn(token.scopes),
    created_at: token.createdAt,
    idle_expires_at: token.idleExpiresAt,
    absolute_expires_at: token.absoluteExpiresAt,
    rotated_at: token.rotatedAt,
    dpop_jkt: token.dpopJkt ?? null,
  };
}

function fromRow(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: fromJsonColumn<string[]>(row.scopes),
    createdAt: row.created_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    rotatedAt: row.rotated_at,
    ...(row.dpop_jkt === null ? {} : { dpopJkt: row.dpop_jkt }),
  };
}
