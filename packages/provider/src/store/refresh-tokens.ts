import type { Kysely, Selectable } from '@latchkey/store';
import { auditEventWriter } from './audit.js';
import { grantFromRow } from './grants.js';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce, type QueryRunner } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { GrantsTable, ProviderSchema, RefreshTokensTable } from './schema.js';
import type { RefreshTokenRecord, RefreshTokenStore } from './types.js';

/** The columns of a stored token, in the order the compiled INSERT takes their values. */
const COLUMNS = [
  'token_hash',
  'grant_id',
  'client_id',
  'user_id',
  'scopes',
  'created_at',
  'idle_expires_at',
  'absolute_expires_at',
  'rotated_at',
  'dpop_jkt',
] as const satisfies readonly (keyof RefreshTokensTable)[];

export function createRefreshTokenStore(db: Kysely<ProviderSchema>): RefreshTokenStore {
  // The refresh grant's statements, compiled once (lib/compiled-once.ts); each call binds its values.
  const insertRow = compiledOnce(COLUMNS.length, (...values: unknown[]) =>
    db
      .insertInto('refresh_tokens')
      .values(
        Object.fromEntries(COLUMNS.map((column, i) => [column, values[i]])) as unknown as RefreshTokensTable,
      ),
  );
  const markRotated = compiledOnce(2, (at: number, tokenHash: string) =>
    db
      .updateTable('refresh_tokens')
      .set({ rotated_at: at })
      .where('token_hash', '=', tokenHash)
      .where('rotated_at', 'is', null)
      .returningAll(),
  );
  const selectByHash = compiledOnce(1, (tokenHash: string) =>
    db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash),
  );
  // The token by its primary key, each grant column by a scalar subquery on the grant's primary key.
  // Not a LEFT JOIN: SQLite ran the join at ~60 µs a call where this form takes ~15 µs (the same two
  // index searches; docs/performance-notes.md).
  const selectWithGrant = compiledOnce(1, (tokenHash: string) =>
    db
      .selectFrom('refresh_tokens as t')
      .selectAll('t')
      .select((eb) => {
        const grantColumn = <C extends keyof GrantsTable & string>(column: C) =>
          eb.selectFrom('grants as g').select(`g.${column}`).whereRef('g.id', '=', 't.grant_id');
        return [
          grantColumn('id').as('g_id'),
          grantColumn('client_id').as('g_client_id'),
          grantColumn('user_id').as('g_user_id'),
          grantColumn('scopes').as('g_scopes'),
          grantColumn('resources').as('g_resources'),
          grantColumn('sid').as('g_sid'),
          grantColumn('created_at').as('g_created_at'),
          grantColumn('revoked_at').as('g_revoked_at'),
        ];
      })
      .where('t.token_hash', '=', tokenHash),
  );
  const insert = (runner: QueryRunner, token: RefreshTokenRecord) => {
    const row = toRow(token);
    return mapConflict(
      'refresh token',
      () => 'token_hash',
      () => insertRow(runner, ...COLUMNS.map((column) => row[column])),
    );
  };
  const writeEvent = auditEventWriter(db);
  const read = async (tokenHash: string) => (await selectByHash(db, tokenHash)).rows[0];
  return {
    async create(token) {
      await insert(db, token);
    },
    async rotate(tokenHash, at, successor, event) {
      // DESIGN rule 7, RFC 9700 §4.14.2: one conditional UPDATE decides the winner, and the successor is
      // inserted in the same transaction, so a rotation either happened with its successor or not at all.
      // The loser of a race sees 'reused' (R1), and no second successor is ever stored. The winner's audit
      // event is part of the same commit: there is an event exactly when there was a rotation.
      const won = await retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          const [row] = (await markRotated(trx, at, tokenHash)).rows;
          if (row !== undefined) {
            if (successor !== undefined) {
              checkSuccessor(row, successor);
              await insert(trx, successor);
            }
            if (event !== undefined) await writeEvent(trx, event);
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
      const [row] = (await selectWithGrant(db, tokenHash)).rows;
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
