import { type Kysely, sql } from '@latchkey/store';
import { changedRows } from './lib/columns.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ProviderSchema } from './schema.js';
import type { ThrottleStore } from './types.js';

export function createThrottleStore(db: Kysely<ProviderSchema>): ThrottleStore {
  return {
    async get(keyHash) {
      const row = await db
        .selectFrom('throttles')
        .select(['failures', 'last_failure_at'])
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { failures: Number(row.failures), lastFailureAt: Number(row.last_failure_at) };
    },
    async recordFailure(keyHash, at, forgetAfter) {
      // One portable statement, so failures counted by several instances at once all add up: a new key
      // starts at 1, a known one counts on, unless its last failure is forgotten (then it starts over).
      await retryingSerializationFailures(() =>
        db
          .insertInto('throttles')
          .values({ key_hash: keyHash, failures: 1, last_failure_at: at })
          .onConflict((oc) =>
            oc.column('key_hash').doUpdateSet({
              failures: sql<number>`case when throttles.last_failure_at <= ${at - forgetAfter} then 1 else throttles.failures + 1 end`,
              last_failure_at: at,
            }),
          )
          .execute(),
      );
    },
    async clear(keyHash) {
      await db.deleteFrom('throttles').where('key_hash', '=', keyHash).execute();
    },
    async deleteIdleSince(before) {
      const result = await db
        .deleteFrom('throttles')
        .where('last_failure_at', '<', before)
        .executeTakeFirst();
      return changedRows(result);
    },
  };
}
