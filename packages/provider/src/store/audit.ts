import type { Kysely, Selectable } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { exactKey, startsWith } from './lib/prefix.js';
import type { AuditEventsTable, ProviderSchema } from './schema.js';
import type { AuditEvent, AuditStore } from './types.js';

/** The most events one `list` returns (DESIGN rule 9: every input is bounded). */
export const MAX_AUDIT_LIST_LIMIT = 1000;

export function createAuditStore(db: Kysely<ProviderSchema>): AuditStore {
  return {
    async append(event) {
      await db
        .insertInto('audit_events')
        .values({
          type: event.type,
          at: event.at,
          user_id: event.userId ?? null,
          client_id: event.clientId ?? null,
          ip: event.ip ?? null,
          details: toJsonColumn(event.details ?? {}),
        })
        .execute();
    },
    deleteBefore(before, limit) {
      // audit_events_at (migration 0002) finds the oldest rows; one bounded statement per call.
      return deleteBatchBefore(db, 'audit_events', 'id', 'at', before, limit);
    },
    async countSince(type, since, cap) {
      checkLimit(cap);
      // At most `cap` rows of audit_events_type_at read, however many events the day had.
      const typeKey = exactKey(db, 'type');
      const row = await db
        .selectFrom((eb) =>
          eb
            .selectFrom('audit_events')
            .select('id')
            .where(typeKey, '=', type)
            .where('at', '>=', since)
            .limit(cap)
            .as('capped'),
        )
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async list({ limit, type, typePrefix, userId, clientId, since, until, before }) {
      checkLimit(limit);
      let query = db.selectFrom('audit_events').selectAll();
      // audit_events_type_at (migration 0018) serves a type and a type prefix, in byte order on both
      // dialects (lib/prefix.ts): a prefix is a range, with no wildcard to escape.
      const typeKey = exactKey(db, 'type');
      if (type !== undefined) query = query.where(typeKey, '=', type);
      if (typePrefix !== undefined) query = query.where(startsWith(typeKey, typePrefix));
      // audit_events_user_id_at (migration 0011) serves one account's events.
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      // audit_events_client_id_at (migration 0018) serves one client's.
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
