import type { AuditEvent, AuditStore } from '../../store/types.js';

export type ListedAuditEvent = AuditEvent & { readonly id: number };

export interface AuditFilter {
  readonly type?: string | undefined;
  /** A type prefix, e.g. `admin.` or `sign_in.`. */
  readonly typePrefix?: string | undefined;
  readonly userId?: string | undefined;
  readonly clientId?: string | undefined;
  /** Epoch seconds, inclusive. */
  readonly since?: number | undefined;
  /** Epoch seconds, exclusive. */
  readonly until?: number | undefined;
  /** Default 100, at most MAX_AUDIT_PAGE. */
  readonly limit?: number | undefined;
}

export const MAX_AUDIT_PAGE = 500;
/**
 * The store filters by type and user; client and time are filtered here, over at most this many of
 * the newest rows matching the store's filter (the store's largest page: bounded work per page; an
 * older match needs a narrower type or user filter).
 */
export const AUDIT_SCAN = 1000;

/** Audit events, newest first, matching every given filter. */
export async function listAuditEvents(
  stores: { readonly audit: Pick<AuditStore, 'list'> },
  filter: AuditFilter = {},
): Promise<ListedAuditEvent[]> {
  const limit = Math.min(Math.max(1, filter.limit ?? 100), MAX_AUDIT_PAGE);
  const narrow =
    filter.clientId !== undefined ||
    filter.since !== undefined ||
    filter.until !== undefined ||
    filter.typePrefix !== undefined;
  const rows = await stores.audit.list({
    limit: narrow ? AUDIT_SCAN : limit,
    ...(filter.type === undefined ? {} : { type: filter.type }),
    ...(filter.userId === undefined ? {} : { userId: filter.userId }),
  });
  return rows
    .filter(
      (e) =>
        (filter.clientId === undefined || e.clientId === filter.clientId) &&
        (filter.typePrefix === undefined || e.type.startsWith(filter.typePrefix)) &&
        (filter.since === undefined || e.at >= filter.since) &&
        (filter.until === undefined || e.at < filter.until),
    )
    .slice(0, limit);
}

/** Sign-ins that succeeded and failed since `since` (the overview's last day). */
export async function countSignIns(
  stores: { readonly audit: Pick<AuditStore, 'list'> },
  since: number,
): Promise<{ readonly succeeded: number; readonly failed: number }> {
  const [succeeded, failed] = await Promise.all(
    ['sign_in.success', 'sign_in.failure'].map(
      async (type) => (await listAuditEvents(stores, { type, since, limit: MAX_AUDIT_PAGE })).length,
    ),
  );
  return { succeeded: succeeded ?? 0, failed: failed ?? 0 };
}
