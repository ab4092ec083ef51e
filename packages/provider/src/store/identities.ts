import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import type { IdentitiesTable, ProviderSchema } from './schema.js';
import type { IdentityRecord, IdentityStore, UpstreamSubject } from './types.js';

export function createIdentityStore(db: Kysely<ProviderSchema>): IdentityStore {
  // The whole key, always: an identity is never found by part of it (nor by email, X2).
  const sameKey = (key: UpstreamSubject) =>
    ({ connector_id: key.connectorId, issuer: key.issuer, subject: key.subject }) as const;
  return {
    async link(identity) {
      await mapConflict(
        'identity',
        () => 'upstream subject',
        () => db.insertInto('identities').values(toRow(identity)).execute(),
      );
    },
    async find(key) {
      const row = await db
        .selectFrom('identities')
        .selectAll()
        .where((eb) => eb.and(sameKey(key)))
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async listByUser(userId) {
      const rows = await db
        .selectFrom('identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('connector_id')
        .execute();
      return rows.map(fromRow);
    },
    async recordUse(key, at, email) {
      const result = await db
        .updateTable('identities')
        .set({ last_used_at: at, email })
        .where((eb) => eb.and(sameKey(key)))
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async unlink(userId, key) {
      const result = await db
        .deleteFrom('identities')
        .where('user_id', '=', userId)
        .where((eb) => eb.and(sameKey(key)))
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async countByConnector() {
      const rows = await db
        .selectFrom('identities')
        .select((eb) => ['connector_id', eb.fn.countAll<number | string | bigint>().as('linked')])
        .groupBy('connector_id')
        .execute();
      // PostgreSQL answers count(*) as a bigint string.
      return new Map(rows.map((row) => [row.connector_id, Number(row.linked)]));
    },
  };
}

function toRow(identity: IdentityRecord): IdentitiesTable {
  return {
    connector_id: identity.connectorId,
    issuer: identity.issuer,
    subject: identity.subject,
    user_id: identity.userId,
    email: identity.email,
    created_at: identity.createdAt,
    last_used_at: identity.lastUsedAt,
  };
}

function fromRow(row: Selectable<IdentitiesTable>): IdentityRecord {
  return {
    connectorId: row.connector_id,
    issuer: row.issuer,
    subject: row.subject,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
