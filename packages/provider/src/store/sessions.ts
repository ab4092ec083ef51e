import type { Kysely, Selectable, Updateable } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import { type ProviderSchema, SESSION_SID_INDEX, type SessionsTable } from './schema.js';
import type { SessionRecord, SessionStore } from './types.js';

export function createSessionStore(db: Kysely<ProviderSchema>): SessionStore {
  const selectSessions = () => db.selectFrom('sessions').selectAll();
  // Read by every refresh (the sign-in behind the grant): compiled once (lib/compiled-once.ts).
  const selectBySid = compiledOnce(1, (sid: string) => selectSessions().where('sid', '=', sid));
  // Read by every page of a signed-in browser (console, account, authorize).
  const selectLive = compiledOnce(2, (idHash: string, now: number) =>
    selectSessions()
      .where('id_hash', '=', idHash)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now),
  );
  /** Updates the sessions still usable at `at` (not ended, not at their absolute end) that match. */
  const updateLive = (
    at: number,
    changes: Updateable<SessionsTable>,
    column: 'id_hash' | 'user_id',
    value: string,
  ) =>
    db
      .updateTable('sessions')
      .set(changes)
      .where(column, '=', value)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', at);
  return {
    async create(session) {
      await mapConflict(
        'session',
        (target) => (target.includes(SESSION_SID_INDEX) || target === 'sessions.sid' ? 'sid' : 'id_hash'),
        () => db.insertInto('sessions').values(toRow(session)).execute(),
      );
    },
    async get(idHash, now) {
      const [row] = (await selectLive(db, idHash, now)).rows;
      return row === undefined ? undefined : fromRow(row);
    },
    async getBySid(sid) {
      // Ended and expired sessions too: logout by sid must still find the user the session was for.
      const [row] = (await selectBySid(db, sid)).rows;
      return row === undefined ? undefined : fromRow(row);
    },
    async touch(idHash, at) {
      const result = await retryingSerializationFailures(() =>
        updateLive(at, { last_seen_at: at }, 'id_hash', idHash).executeTakeFirst(),
      );
      return changedRows(result) > 0;
    },
    async end(idHash, at) {
      // One statement: of two concurrent logouts only one gets the session back (and sends logout tokens).
      const row = await retryingSerializationFailures(() =>
        updateLive(at, { ended_at: at }, 'id_hash', idHash).returningAll().executeTakeFirst(),
      );
      return row === undefined ? undefined : fromRow(row);
    },
    async listLiveByUser(userId, now) {
      // sessions_user_id serves it; a user has a handful of live sessions, so no limit is needed.
      const rows = await selectSessions()
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(fromRow);
    },
    async endAllForUser(userId, at) {
      const result = await retryingSerializationFailures(() =>
        updateLive(at, { ended_at: at }, 'user_id', userId).executeTakeFirst(),
      );
      return changedRows(result);
    },
  };
}

function toRow(session: SessionRecord): SessionsTable {
  return {
    id_hash: session.idHash,
    sid: session.sid,
    user_id: session.userId,
    auth_time: session.authTime,
    amr: toJsonColumn(session.amr),
    acr: session.acr,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
    ended_at: session.endedAt,
  };
}

function fromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    sid: row.sid,
    userId: row.user_id,
    authTime: row.auth_time,
    amr: fromJsonColumn<string[]>(row.amr),
    acr: row.acr,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  };
}
