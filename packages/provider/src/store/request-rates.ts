import { type Kysely, sql } from '@latchkey/store';
import { committingAsynchronously } from './lib/async-commit.js';
import { deleteBatchBefore } from './lib/batches.js';
import { isPostgres } from './lib/dialect.js';
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
 *
 * Every admin API request takes a slot, so on PostgreSQL the write is committed without waiting for
 * the WAL flush (lib/async-commit.ts): that wait was the floor of every admin API request. Locking and
 * visibility are unchanged, so the limit is exactly as strict; a crash of PostgreSQL may forget the
 * last fraction of a second of counter moves, giving back a few attempts (docs/ARCHITECTURE.md).
 */
export function createRequestRateStore(db: Kysely<ProviderSchema>): RequestRateStore {
  const postgres = isPostgres(db);
  return {
    async take(keyHash, atMs, { limit, intervalMs }) {
      const windowMs = limit * intervalMs;
      const start = sql<number>`case when request_rates.arrival_at_ms > ${atMs} then request_rates.arrival_at_ms else ${atMs} end`;
      const row = { key_hash: keyHash, arrival_at_ms: atMs + intervalMs };
      const insert = db.insertInto('request_rates');
      const taken = await retryingOrStrict(false, () =>
        (postgres
          ? insert
              .columns(['key_hash', 'arrival_at_ms'])
              .expression(
                db
                  .selectFrom(committingAsynchronously())
                  .select([
                    sql<string>`${row.key_hash}`.as('key_hash'),
                    sql<number>`${row.arrival_at_ms}`.as('arrival_at_ms'),
                  ]),
              )
          : insert.values(row)
        )
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
      const current = await db
        .selectFrom('request_rates')
        .select('arrival_at_ms')
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      // Read after the refusal, so only informative; never 0, which would mean "taken".
      const wait = current === undefined ? 0 : Number(current.arrival_at_ms) + intervalMs - windowMs - atMs;
      return Math.max(1, wait);
    },
    deleteIdleSince(beforeMs, limit) {
      // A TAT in the past means the key has its whole allowance again: the row says nothing more.
      return deleteBatchBefore(db, 'request_rates', 'key_hash', 'arrival_at_ms', beforeMs, limit);
    },
  };
}
