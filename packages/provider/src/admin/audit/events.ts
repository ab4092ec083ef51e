import type { AuditEvent, AuditStore } from '../../store/types.js';
import { type AdminPage, DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor } from '../cursor.js';

export interface AuditQuery {
  readonly limit?: number;
  readonly cursor?: string;
  readonly type?: string;
  /** Types starting with this (`sign_in.`), for the console's filter. */
  readonly typePrefix?: string;
  /** The user's `sub` (events outlive a username: an erased user's events keep the sub). */
  readonly userId?: string;
  readonly clientId?: string;
  /** Epoch seconds, inclusive. */
  readonly since?: number;
  readonly until?: number;
}

type Position = { at: number; id: number };
const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as Position).at) &&
  Number.isSafeInteger((value as Position).id);

/** Audit events newest first, filtered, a page at a time (the cursor holds the last event's at and id). */
export async function listAuditEvents(
  stores: { readonly audit: Pick<AuditStore, 'list'> },
  query: AuditQuery = {},
): Promise<AdminPage<AuditEvent & { readonly id: number }>> {
  const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, isPosition);
  const rows = await stores.audit.list({
    limit: limit + 1,
    ...(query.type === undefined ? {} : { type: query.type }),
    ...(query.typePrefix === undefined ? {} : { typePrefix: query.typePrefix }),
    ...(query.userId === undefined ? {} : { userId: query.userId }),
    ...(query.clientId === undefined ? {} : { clientId: query.clientId }),
    ...(query.since === undefined ? {} : { since: query.since }),
    ...(query.until === undefined ? {} : { until: query.until }),
    ...(before === undefined ? {} : { before: { at: before.at, id: before.id } }),
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ at: last.at, id: last.id }) : null,
  };
}
