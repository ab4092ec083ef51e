import type { AuditStore } from '../../store/types.js';

/** The overview shows "1000+" beyond this: counting a flood exactly would scan it whole on every view. */
export const COUNT_CAP = 1000;

/** Sign-ins that succeeded and failed since `since` (the console's overview: the last day), each capped. */
export async function countSignIns(
  stores: { readonly audit: Pick<AuditStore, 'countSince'> },
  since: number,
): Promise<{ readonly succeeded: number; readonly failed: number }> {
  // One bounded count each, read from audit_events_type_at (migration 0018).
  const [succeeded, failed] = await Promise.all([
    stores.audit.countSince('sign_in.success', since, COUNT_CAP),
    stores.audit.countSince('sign_in.failure', since, COUNT_CAP),
  ]);
  return { succeeded, failed };
}
