import { isSerializationFailure, type Kysely } from '@latchkey/store';
import type { ProviderSchema } from './schema.js';
import type { LeaseStore } from './types.js';

export function createLeaseStore(db: Kysely<ProviderSchema>): LeaseStore {
  return {
    async tryAcquire(name, holder, now, ttlSeconds) {
      checkLeaseArguments(name, holder, now, ttlSeconds);
      // One portable statement (SQLite 3.24+, PostgreSQL 9.5+, CockroachDB): insert the lease if absent,
      // otherwise take it only if this holder has it or it has expired. The row count says which.
      try {
        const result = await db
          .insertInto('leases')
          .values({ name, holder, expires_at: now + ttlSeconds })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet((eb) => ({
                holder: eb.ref('excluded.holder'),
                expires_at: eb.ref('excluded.expires_at'),
              }))
              .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
          )
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
      } catch (error) {
        // Another instance took or renewed it in the same instant (SERIALIZABLE engines).
        if (isSerializationFailure(error)) return false;
        throw error;
      }
    },
    async release(name, holder) {
      await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
    },
  };
}

function checkLeaseArguments(name: string, holder: string, now: number, ttlSeconds: number): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('lease name must be a non-empty string');
  if (typeof holder !== 'string' || holder === '')
    throw new TypeError('lease holder must be a non-empty string');
  if (!Number.isSafeInteger(now) || now < 0) throw new TypeError('now must be epoch seconds');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1)
    throw new TypeError('ttlSeconds must be a positive integer');
}
