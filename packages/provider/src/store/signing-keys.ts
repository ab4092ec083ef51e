import type { Jwk, JwsAlgorithm } from '@latchkey/oidc';
import {
  isSerializationFailure,
  type Kysely,
  type Selectable,
  type Transaction,
  uniqueViolationTarget,
} from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { ONE_CURRENT_KEY_INDEX, type ProviderSchema, type SigningKeysTable } from './schema.js';
import {
  type KeySetChange,
  type SigningKeyRecord,
  type SigningKeyState,
  type SigningKeyStore,
  StoreConflictError,
} from './types.js';

type Transition = NonNullable<KeySetChange['transitions']>[number];

/** Thrown inside the transaction to roll it back when a precondition no longer holds. */
class StaleChange extends Error {}

export function createSigningKeyStore(db: Kysely<ProviderSchema>): SigningKeyStore {
  return {
    async list() {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('state', '<>', 'removed')
        .orderBy('created_at')
        .orderBy('kid')
        .execute();
      return rows.map(fromRow);
    },
    async applyChange(change) {
      try {
        await db.transaction().execute(async (trx) => {
          for (const transition of inApplyOrder(change.transitions ?? [])) {
            await applyTransition(trx, transition, change.at);
          }
          for (const key of change.insert ?? [])
            await trx.insertInto('signing_keys').values(toRow(key)).execute();
        });
        return true;
      } catch (error) {
        if (error instanceof StaleChange || isSerializationFailure(error)) return false;
        const target = uniqueViolationTarget(error);
        if (target === undefined) throw error;
        // A second `current` key for the algorithm means another instance changed the set first.
        if (hitsOneCurrentKeyIndex(target)) return false;
        throw new StoreConflictError('signing key', 'kid');
      }
    },
  };
}

/** PostgreSQL names the index; SQLite names the indexed column of a partial index instead. */
function hitsOneCurrentKeyIndex(target: string): boolean {
  return target.includes(ONE_CURRENT_KEY_INDEX) || target === 'signing_keys.alg';
}

/**
 * Transitions into `current` go last, so the old current key has already left that state when the new
 * one enters it (the one-current-key-per-algorithm index is checked after each statement).
 */
function inApplyOrder(transitions: readonly Transition[]): Transition[] {
  return [...transitions.filter((t) => t.to !== 'current'), ...transitions.filter((t) => t.to === 'current')];
}

/** A compare-and-set on the row's state: exactly one row must still be in `from`. */
async function applyTransition(trx: Transaction<ProviderSchema>, transition: Transition, at: number) {
  const result = await trx
    .updateTable('signing_keys')
    .set({ state: transition.to, ...stampsFor(transition.to, at) })
    .where('kid', '=', transition.kid)
    .where('state', '=', transition.from)
    .executeTakeFirst();
  if (changedRows(result) !== 1) throw new StaleChange();
}

function stampsFor(to: SigningKeyState, at: number): Partial<SigningKeysTable> {
  switch (to) {
    case 'current':
      return { activated_at: at };
    case 'retired':
      return { retired_at: at };
    case 'removed':
      // A removed key never signs or verifies again: keep no key material for it.
      return { encrypted_private_key: '' };
    case 'next':
      return {};
  }
}

function toRow(key: SigningKeyRecord): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    public_jwk: toJsonColumn(key.publicJwk),
    encrypted_private_key: key.encryptedPrivateKey,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
  };
}

function fromRow(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg as JwsAlgorithm,
    state: row.state as SigningKeyState,
    publicJwk: fromJsonColumn<Jwk>(row.public_jwk),
    encryptedPrivateKey: row.encrypted_private_key,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
  };
}
