import { type Kysely, type RawBuilder, type Selectable, sql } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce, type QueryRunner } from './lib/compiled-once.js';
import { exactKey, prefixSuccessor, startsWith } from './lib/prefix.js';
import type { AuditEventsTable, ProviderSchema } from './schema.js';
import type { AuditEvent, AuditStore } from './types.js';

/** The most events one `list` returns (DESIGN rule 9: every input is bounded). */
export const MAX_AUDIT_LIST_LIMIT = 1000;

/** Appends one audit event on the database or inside a transaction of it (lib/compiled-once.ts). */
export type AuditEventWriter = (runner: QueryRunner, event: AuditEvent) => Promise<void>;

/**
 * The INSERT of one audit event, compiled once. The audit store appends with it, and a refresh token's
 * rotation runs it inside its own transaction, so the rotation and its event are one commit: both or
 * neither.
 */
export function auditEventWriter(db: Kysely<ProviderSchema>): AuditEventWriter {
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
  return async (runner, event) => {
    await insertEvent(
      runner,
      event.type,
      event.at,
      event.userId ?? null,
      event.clientId ?? null,
      event.ip ?? null,
      toJsonColumn(event.details ?? {}),
    );
  };
}

export function createAuditStore(db: Kysely<ProviderSchema>): AuditStore {
  const writeEvent = auditEventWriter(db);
  return {
    append: (event) => writeEvent(db, event),
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
      // audit_events_type_at (migration 0018) serves a type, in byte order on both dialects (lib/prefix.ts).
      const typeKey = exactKey(db, 'type');
      const newest = (exactType: string | undefined) => {
        let query = db.selectFrom('audit_events').selectAll();
        if (exactType !== undefined) query = query.where(typeKey, '=', exactType);
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
        return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
      };
      if (typePrefix === undefined) return (await newest(type).execute()).map(fromRow);
      // A type prefix is the few types that start with it, each read newest first from its own stretch
      // of audit_events_type_at and limited, merged by UNION ALL: the range alone made SQLite (without
      // statistics) sort every `admin.` event of the log for each page (90 ms at 200,000 events).
      const types = (await typesStartingWith(db, typePrefix)).filter((t) => type === undefined || t === type);
      const [first, ...rest] = types;
      if (first === undefined) return [];
      if (rest.length === 0) return (await newest(first).execute()).map(fromRow);
      const merged = rest.reduce(
        (union, t) => union.unionAll(db.selectFrom(newest(t).as(`t${types.indexOf(t)}`)).selectAll()),
        db.selectFrom(newest(first).as('t0')).selectAll(),
      );
      const rows = await db
        .selectFrom(merged.as('merged'))
        .selectAll()
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },
  };
}

/**
 * The distinct event types starting with `prefix`, by a loose index scan of audit_events_type_at: one
 * index seek per type (a recursive query), however many events each has. Byte order, case kept.
 */
async function typesStartingWith(db: Kysely<ProviderSchema>, prefix: string): Promise<string[]> {
  const key = exactKey(db, 'type');
  const upper = prefixSuccessor(prefix);
  const below = upper === undefined ? sql`` : sql` and ${key} < ${upper}`;
  const next = (from: RawBuilder<boolean>) =>
    sql`(select type from audit_events where ${from}${below} order by ${key} limit 1)`;
  const { rows } = await sql<{ type: string }>`with recursive found(type) as (
      select ${next(startsWith(key, prefix))}
      union all
      select ${next(sql<boolean>`${key} > found.type`)} from found where found.type is not null
    ) select type from found where type is not null limit ${MAX_PREFIX_TYPES}`.execute(db);
  return rows.map((r) => r.type);
}

/** DESIGN rule 9: a prefix as short as `a` is still bounded. */
const MAX_PREFIX_TYPES = 100;

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
