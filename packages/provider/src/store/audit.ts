import { type Kysely, type Selectable, sql } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import type { AuditEventsTable, ProviderSchema } from './schema.js';
import type { AuditEvent, AuditStore } from './types.js';

/** The most events one `list` returns (DESIGN rule 9: every input is bounded). */
export const MAX_AUDIT_LIST_LIMIT = 1000;

export function createAuditStore(db: Kysely<ProviderSchema>): AuditStore {
  // One row per issued token set: compiled once (lib/compiled-once.ts).
  const insertEvent = compiledOnce(
    6,
    (
      type: string,
      at: number,
      userId: string | null,
      clientId: string | null,
      ip: string | null,
      details: string,
    ) =>
      db.insertInto('audit_events').values({ type, at, user_id: userId, client_id: clientId, ip, details }),
  );
  return {
    async append(event) {
      await insertEvent(
        db,
        event.type,
        event.at,
        event.userId ?? null,
        event.clientId ?? null,
        event.ip ?? null,
        toJsonColumn(event.details ?? {}),
      );
    },
    deleteBefore(before, limit) {
      // audit_events_at (migration 0002) finds the oldest rows; one bounded statement per call.
      return deleteBatchBefore(db, 'audit_events', 'id', 'at', before, limit);
    },
    async list({ limit, type, typePrefix, userId, clientId, since, until, before }) {
      checkLimit(limit);
      let query = db.selectFrom('audit_events').selectAll();
      if (type !== undefined) query = query.where('type', '=', type);
      // LIKE with the wildcards of the prefix escaped: one portable form on SQLite and PostgreSQL.
      if (typePrefix !== undefined)
        query = query.where(
          sql<boolean>`type like ${`${typePrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`,
        );
      // audit_events_user_id_at (migration 0011) serves one account's events.
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      if (clientId !== undefined) query = query.where('client_id', '=', clientId);
      // audit_events_at (migration 0002) serves the time range and the cursor.
      if (since !== undefined) query = query.where('at', '>=', since);
      if (until !== undefined) query = query.where('at', '<=', until);
      if (before !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
        );
      }
      // Newest by event time; the id orders events of the same second as they were appended.
      const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(fromRow);
    },
  };
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIST_LIMIT) {
    throw new TypeError(`limit must be an integer from 1 to ${MAX_AUDIT_LIST_LIMIT}`);
  }
}

function fromRow(row: Selectable<AuditEventsTable>): AuditEvent & { readonly id: number } {
  return {
    id: row.id,
    type: row.type,
    at: row.at,
    userId: row.user_id,
    clientId: row.client_id,
    ip: row.ip,
    details: fromJsonColumn<Record<string, unknown>>(row.details),
  };
}
