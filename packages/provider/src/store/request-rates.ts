import { type Kysely, sql } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { retryingOrStrict } from './lib/retry.js';
import type { ProviderSchema } from './schema.js';
import type { RequestRateStore } from './types.js';

/**
 * GCRA (the generic cell rate algorithm, as in ATM traffic policing and most API gateways): a key's
 * row holds the theoretical arrival time (TAT) of its next request. A request at `now` is let through
 * when max(TAT, now) + interval − now ≤ limit × interval, and moves TAT there. That is `limit` requests
 * at once, then one per interval: a sliding window in one integer column, decided and written by one
 * portable statement, so concurrent requests from every instance queue on the row and each sees the
 * ones before it (checklist L1, L3).
 */
export function createRequestRateStore(db: Kysely<ProviderSchema>): RequestRateStore {
  return {
    async take(keyHash, atMs, { limit, intervalMs }) {
      const windowMs = limit * intervalMs;
      const start = sql<number>`case when request_rates.arrival_at_ms > ${atMs} then request_rates.arrival_at_ms else ${atMs} end`;
      const taken = await retryingOrStrict(false, () =>
        db
          .insertInto('request_rates')
          .values({ key_hash: keyHash, arrival_at_ms: atMs + intervalMs })
          .onConflict((oc) =>
            oc
              .column('key_hash')
              .doUpdateSet({ arrival_at_ms: sql<number>`${start} + ${intervalMs}` })
              .where(sql<boolean>`${start} + ${intervalMs} - ${atMs} <= ${windowMs}`),
          )
          .executeTakeFirst()
          .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0n) === 1),
      );
      if (taken) return 0;
      const row = await db
        .selectFrom('request_rates')
        .select('arrival_at_ms')
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      // Read after the refusal, so only informative; never 0, which would mean "taken".
      const wait = row === undefined ? 0 : Number(row.arrival_at_ms) + intervalMs - windowMs - atMs;
      return Math.max(1, wait);
    },
    deleteIdleSince(beforeMs, limit) {
      // A TAT in the past means the key has its whole allowance again: the row says nothing more.
      return deleteBatchBefore(db, 'request_rates', 'key_hash', 'arrival_at_ms', beforeMs, limit);
    },
  };
}
