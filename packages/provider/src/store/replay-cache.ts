import type { Kysely } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ProviderSchema } from './schema.js';
import type { ReplayCache } from './types.js';

export function createReplayCache(db: Kysely<ProviderSchema>): ReplayCache {
  return {
    async remember(key, expiresAt, at) {
      // One portable statement (SQLite 3.24+, PostgreSQL 9.5+, CockroachDB): insert the key if absent, or
      // take over its row only if that one has expired (RFC 7523 §3: a `jti` is kept until `exp`). The row
      // count says whether this caller saw the key first; of two at once, the second waits on the key and
      // then finds it live. Under SERIALIZABLE the loser fails instead, and running again gives it false.
      const result = await retryingSerializationFailures(() =>
        db
          .insertInto('replay_cache')
          .values({ key, expires_at: expiresAt })
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
              .where('replay_cache.expires_at', '<=', at),
          )
          .executeTakeFirst(),
      );
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    deleteExpired(before, limit) {
      return deleteBatchBefore(db, 'replay_cache', 'key', 'expires_at', before, limit);
    },
  };
}
