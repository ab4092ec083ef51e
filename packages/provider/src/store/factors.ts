import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows, fromFlag, fromJsonColumn, toFlag, toJsonColumn } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { PasskeysTable, ProviderSchema, TotpFactorsTable } from './schema.js';
import type { FactorStore, PasskeyRecord, TotpFactorRecord } from './types.js';

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
    async addPasskey(passkey) {
      await mapConflict(
        'passkey',
        () => 'credentialId',
        () => db.insertInto('passkeys').values(toPasskeyRow(passkey)).execute(),
      );
    },
    async listPasskeys(userId) {
      const rows = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('credential_id')
        .execute();
      return rows.map(fromPasskeyRow);
    },
    async getPasskey(credentialId) {
      const row = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromPasskeyRow(row);
    },
    async usePasskey(credentialId, counter, at) {
      // WebAuthn L3 §7.2 step 22: a counter that does not grow means a cloned authenticator, unless both
      // are 0 (the authenticator keeps no counter, as synced passkeys do).
      const result = await retryingSerializationFailures(() =>
        db
          .updateTable('passkeys')
          .set({ counter, last_used_at: at })
          .where('credential_id', '=', credentialId)
          .where((eb) => (counter === 0 ? eb('counter', '=', 0) : eb('counter', '<', counter)))
          .executeTakeFirst(),
      );
      return changedRows(result) > 0;
    },
    async deletePasskey(userId, credentialId) {
      const result = await db
        .deleteFrom('passkeys')
        .where('user_id', '=', userId)
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async deleteAll(userId) {
      return retryingSerializationFailures(() =>
        db.transaction().execute(async (trx) => {
          const totp = await trx.deleteFrom('totp_factors').where('user_id', '=', userId).executeTakeFirst();
          const codes = await trx
            .deleteFrom('recovery_codes')
            .where('user_id', '=', userId)
            .executeTakeFirst();
          const keys = await trx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst();
          return changedRows(totp) + changedRows(codes) + changedRows(keys) > 0;
        }),
      );
    },
  };
}

function toPasskeyRow(passkey: PasskeyRecord): PasskeysTable {
  return {
    credential_id: passkey.credentialId,
    user_id: passkey.userId,
    name: passkey.name,
    public_key: passkey.publicKey,
    counter: passkey.counter,
    transports: toJsonColumn(passkey.transports),
    backed_up: toFlag(passkey.backedUp),
    created_at: passkey.createdAt,
    last_used_at: passkey.lastUsedAt,
  };
}

function fromPasskeyRow(row: Selectable<PasskeysTable>): PasskeyRecord {
  return {
    credentialId: row.credential_id,
    userId: row.user_id,
    name: row.name,
    publicKey: row.public_key,
    counter: row.counter,
    transports: fromJsonColumn<string[]>(row.transports),
    backedUp: fromFlag(row.backed_up),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
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
