import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ConsentsTable, ProviderSchema } from './schema.js';
import type { ConsentRecord, ConsentStore } from './types.js';

/** Concurrent grants for one user and client are rare; a compare-and-set that keeps losing is a bug. */
const MAX_GRANT_ATTEMPTS = 5;

export function createConsentStore(db: Kysely<ProviderSchema>): ConsentStore {
  const read = (userId: string, clientId: string) =>
    db
      .selectFrom('consents')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();

  /**
   * Writes the union only if the row is still what was read (absent, or the same scopes and claims text), so two
   * instances granting different scopes at once both end up in it: the loser reads again and retries.
   * Portable compare-and-set, no row locks (SQLite has no FOR UPDATE) and no vendor JSON functions.
   */
  async function tryGrant(
    userId: string,
    clientId: string,
    granted: { readonly scopes: readonly string[]; readonly claims: readonly string[] },
    at: number,
  ) {
    const existing = await read(userId, clientId);
    if (existing === undefined) {
      const inserted = await db
        .insertInto('consents')
        .values({
          user_id: userId,
          client_id: clientId,
          scopes: toJsonColumn(union([], granted.scopes)),
          claims: toJsonColumn(union([], granted.claims)),
          granted_at: at,
        })
        .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    }
    const scopes = union(fromJsonColumn<string[]>(existing.scopes), granted.scopes);
    const claims = union(fromJsonColumn<string[]>(existing.claims), granted.claims);
    const updated = await db
      .updateTable('consents')
      .set({ scopes: toJsonColumn(scopes), claims: toJsonColumn(claims), granted_at: at })
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('scopes', '=', existing.scopes)
      .where('claims', '=', existing.claims)
      .executeTakeFirst();
    return changedRows(updated) === 1;
  }

  return {
    async get(userId, clientId) {
      const row = await read(userId, clientId);
      return row === undefined ? undefined : fromRow(row);
    },
    async grant(userId, clientId, scopes, at, claims = []) {
      for (let attempt = 0; attempt < MAX_GRANT_ATTEMPTS; attempt++) {
        if (await retryingSerializationFailures(() => tryGrant(userId, clientId, { scopes, claims }, at)))
          return;
      }
      throw new Error(`Consent kept changing under ${MAX_GRANT_ATTEMPTS} attempts to record a grant`);
    },
    async listByUser(userId) {
      // The (user_id, client_id) primary key serves it.
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('granted_at', 'desc')
        .orderBy('client_id')
        .execute();
      return rows.map(fromRow);
    },
    async revoke(userId, clientId) {
      const result = await db
        .deleteFrom('consents')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async revokeAllForUser(userId) {
      const result = await db.deleteFrom('consents').where('user_id', '=', userId).executeTakeFirst();
      return changedRows(result);
    },
  };
}

/** What was granted before, in its order, then the new scopes not already in it. */
function union(granted: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...granted, ...added])];
}

function fromRow(row: Selectable<ConsentsTable>): ConsentRecord {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scopes: fromJsonColumn<string[]>(row.scopes),
    claims: fromJsonColumn<string[]>(row.claims),
    grantedAt: row.granted_at,
  };
}
