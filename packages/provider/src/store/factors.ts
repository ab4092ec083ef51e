import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows } from './lib/columns.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ProviderSchema, TotpFactorsTable } from './schema.js';
import type { FactorStore, TotpFactorRecord } from './types.js';

export function createFactorStore(db: Kysely<ProviderSchema>): FactorStore {
  return {
    async getTotp(userId) {
      const row = await db
        .selectFrom('totp_factors')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async beginTotp(userId, sealedSeed, at) {
      return retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          // Only an enrolment in progress is replaced: a confirmed factor is removed by an admin reset.
          await trx
            .deleteFrom('totp_factors')
            .where('user_id', '=', userId)
            .where('confirmed_at', 'is', null)
            .execute();
          const inserted = await trx
            .insertInto('totp_factors')
            .values({
              user_id: userId,
              sealed_seed: sealedSeed,
              created_at: at,
              confirmed_at: null,
              last_step: null,
            })
            .onConflict((oc) => oc.column('user_id').doNothing())
            .executeTakeFirst();
          return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
        }),
      );
    },
    async confirmTotp(userId, step, recoveryCodeHashes, at) {
      return retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('totp_factors')
            .set({ confirmed_at: at, last_step: step })
            .where('user_id', '=', userId)
            .where('confirmed_at', 'is', null)
            .executeTakeFirst();
          if (changedRows(result) === 0) return false;
          await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
          if (recoveryCodeHashes.length > 0) {
            await trx
              .insertInto('recovery_codes')
              .values(
                recoveryCodeHashes.map((hash) => ({
                  code_hash: hash,
                  user_id: userId,
                  created_at: at,
                  used_at: null,
                })),
              )
              .execute();
          }
          return true;
        }),
      );
    },
    async useTotpStep(userId, step) {
      // RFC 6238 §5.2: a code is accepted once. One conditional UPDATE: the later step wins, a replay
      // (same or earlier step) changes no row.
      const result = await retryingSerializationFailures(() =>
        db
          .updateTable('totp_factors')
          .set({ last_step: step })
          .where('user_id', '=', userId)
          .where('confirmed_at', 'is not', null)
          .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
          .executeTakeFirst(),
      );
      return changedRows(result) > 0;
    },
    async useRecoveryCode(userId, codeHash, at) {
      // DESIGN rule 7: consumed in one guarded UPDATE, so of parallel uses exactly one wins (F3).
      const result = await retryingSerializationFailures(() =>
        db
          .updateTable('recovery_codes')
          .set({ used_at: at })
          .where('code_hash', '=', codeHash)
          .where('user_id', '=', userId)
          .where('used_at', 'is', null)
          .executeTakeFirst(),
      );
      return changedRows(result) > 0;
    },
    async recoveryCodes(userId) {
      const rows = await db
        .selectFrom('recovery_codes')
        .select(['used_at'])
        .where('user_id', '=', userId)
        .execute();
      const used = rows.flatMap((r) => (r.used_at === null ? [] : [r.used_at]));
      return {
        remaining: rows.length - used.length,
        used: used.length,
        lastUsedAt: used.length === 0 ? null : Math.max(...used),
      };
    },
    async deleteAll(userId) {
      return retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          const totp = await trx.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst();
          const codes = await trx
            .deleteFrom('recovery_codes')
            .where('user_id', '=', userId)
            .executeTakeFirst();
          return changedRows(totp) + changedRows(codes) > 0;
        }),
      );
    },
  };
}

function fromRow(row: Selectable<TotpFactorsTable>): TotpFactorRecord {
  return {
    userId: row.user_id,
    sealedSeed: row.sealed_seed,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    lastStep: row.last_step,
  };
}
