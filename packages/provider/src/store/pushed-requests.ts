import type { Kysely, Selectable } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { ProviderSchema, PushedAuthorizationRequestsTable } from './schema.js';
import type { PushedRequestRecord, PushedRequestStore } from './types.js';

export function createPushedRequestStore(db: Kysely<ProviderSchema>): PushedRequestStore {
  return {
    async create(request) {
      await db.insertInto('pushed_authorization_requests').values(toRow(request)).execute();
    },
    async consume(requestUriHash, at) {
      // DESIGN rule 7: one conditional UPDATE decides the single use; only the statement that moved
      // consumed_at from NULL gets the row, and an expired request is never handed out.
      const won = await retryingSerializationFailures(() =>
        db
          .updateTable('pushed_authorization_requests')
          .set({ consumed_at: at })
          .where('request_uri_hash', '=', requestUriHash)
          .where('consumed_at', 'is', null)
          .where('expires_at', '>', at)
          .returningAll()
          .executeTakeFirst(),
      );
      return won === undefined ? undefined : fromRow(won);
    },
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('pushed_authorization_requests')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return changedRows(result);
    },
  };
}

function toRow(request: PushedRequestRecord): PushedAuthorizationRequestsTable {
  return {
    request_uri_hash: request.requestUriHash,
    client_id: request.clientId,
    params: toJsonColumn(request.params),
    expires_at: request.expiresAt,
    consumed_at: null,
  };
}

function fromRow(row: Selectable<PushedAuthorizationRequestsTable>): PushedRequestRecord {
  return {
    requestUriHash: row.request_uri_hash,
    clientId: row.client_id,
    params: fromJsonColumn<[string, string][]>(row.params),
    expiresAt: Number(row.expires_at),
  };
}
