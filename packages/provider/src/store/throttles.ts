import { type Kysely, sql } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { retryingOrStrict } from './lib/retry.js';
import type { ProviderSchema } from './schema.js';
import type { ThrottlePolicy, ThrottleState, ThrottleStore } from './types.js';

/** Exponents above this add nothing: every policy's longest wait is reached long before 2^30 s. */
const MAX_EXPONENT = 30;

export function createThrottleStore(db: Kysely<ProviderSchema>): ThrottleStore {
  return {
    async get(keyHash) {
      const row = await db
        .selectFrom('throttles')
        .select(['failures', 'last_failure_at', 'refused'])
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined ? undefined : toState(row);
    },
    async reserve(keyHash, at, policy) {
      // L1: one portable statement (SQLite 3.24+, PostgreSQL 9.5+, CockroachDB) decides and counts: a new
      // key starts at 1; a known one counts on (or starts over once forgotten) only when the policy lets
      // it try now. Concurrent reservations queue on the row, so each sees the ones before it; no
      // attempt is checked on a count read before another attempt's failure was written.
      const forgotten = sql<boolean>`throttles.last_failure_at <= ${at - policy.forgetAfter}`;
      const result = await retryingOrStrict(false, () =>
        db
          .insertInto('throttles')
          .values({ key_hash: keyHash, failures: 1, last_failure_at: at, refused: 0 })
          .onConflict((oc) =>
            oc
              .column('key_hash')
              .doUpdateSet({
                failures: sql<number>`case when ${forgotten} then 1 else throttles.failures + 1 end`,
                refused: sql<number>`case when ${forgotten} then 0 else throttles.refused end`,
                last_failure_at: at,
              })
              .where(sql<boolean>`${forgotten} or ${mayTryAt(policy, at)}`),
          )
          .executeTakeFirst()
          .then((r) => Number(r.numInsertedOrUpdatedRows ?? 0n) === 1),
      );
      return result;
    },
    async refuse(keyHash) {
      const row = await retryingOrStrict(undefined, () =>
        db
          .updateTable('throttles')
          .set({ refused: sql<number>`refused + 1` })
          .where('key_hash', '=', keyHash)
          .returning(['failures', 'last_failure_at', 'refused'])
          .executeTakeFirst(),
      );
      return row === undefined ? undefined : toState(row);
    },
    async release(keyHash) {
      // Losing every retry (SERIALIZABLE) leaves the attempt counted: the limit errs on the strict side.
      await retryingOrStrict(undefined, () =>
        db
          .updateTable('throttles')
          .set({ failures: sql<number>`failures - 1` })
          .where('key_hash', '=', keyHash)
          .where('failures', '>', 0)
          .execute(),
      );
    },
    async clear(keyHash) {
      await db.deleteFrom('throttles').where('key_hash', '=', keyHash).execute();
    },
    deleteIdleSince(before, limit) {
      return deleteBatchBefore(db, 'throttles', 'key_hash', 'last_failure_at', before, limit);
    },
  };
}

/**
 * The row's count lets an attempt through at `at`: fewer failures than the free ones, or the last
 * failure's wait (baseDelay × 2^(failures − free), at most maxDelay) is over. The same rule as the
 * limiter's `waitFor`, in portable SQL: a shift instead of a power function SQLite may lack.
 */
function mayTryAt(policy: ThrottlePolicy, at: number) {
  const free = policy.freeFailures;
  const exponent = sql`case when throttles.failures - ${free} > ${MAX_EXPONENT} then ${MAX_EXPONENT} when throttles.failures < ${free} then 0 else throttles.failures - ${free} end`;
  const doubled = sql`${policy.baseDelay} * (cast(1 as bigint) << cast(${exponent} as integer))`;
  const delay = sql`case when ${doubled} > ${policy.maxDelay} then ${policy.maxDelay} else ${doubled} end`;
  return sql<boolean>`throttles.failures < ${free} or throttles.last_failure_at + ${delay} <= ${at}`;
}

function toState(row: { failures: number; last_failure_at: number; refused: number }): ThrottleState {
  return {
    failures: Number(row.failures),
    lastFailureAt: Number(row.last_failure_at),
    refused: Number(row.refused),
  };
}
