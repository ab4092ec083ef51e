import { MAX_PAGE_LIMIT } from '../../store/lib/page.js';
import type { AuditStore } from '../../store/types.js';
import { listAuditEvents } from './events.js';

/** The overview shows "1000+" beyond this: counting a flood exactly would scan it whole on every view. */
export const COUNT_CAP = 1000;

/** Sign-ins that succeeded and failed since `since` (the console's overview: the last day), each capped. */
export async function countSignIns(
  stores: { readonly audit: Pick<AuditStore, 'list'> },
  since: number,
): Promise<{ readonly succeeded: number; readonly failed: number }> {
  const count = async (type: string) => {
    let counted = 0;
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(stores, {
        type,
        since,
        limit: MAX_PAGE_LIMIT,
        ...(cursor === undefined ? {} : { cursor }),
      });
      counted += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && counted < COUNT_CAP);
    return Math.min(counted, COUNT_CAP);
  };
  const [succeeded, failed] = await Promise.all([count('sign_in.success'), count('sign_in.failure')]);
  return { succeeded, failed };
}
