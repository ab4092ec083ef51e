import type { Kysely, Selectable } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { changedRows } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { EmailLinksTable, ProviderSchema } from './schema.js';
import type { EmailLinkPurpose, EmailLinkRecord, EmailLinkStore } from './types.js';

export function createEmailLinkStore(db: Kysely<ProviderSchema>): EmailLinkStore {
  const live = (tokenHash: string, purpose: EmailLinkPurpose, now: number) =>
    db
      .updateTable('email_links')
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now);
  return {
    async create(link) {
      await mapConflict(
        'email link',
        () => 'token_hash',
        () => db.insertInto('email_links').values(toRow(link)).execute(),
      );
    },
    async peek(tokenHash, purpose, now) {
      const row = await db
        .selectFrom('email_links')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async consume(tokenHash, purpose, at) {
      const row = await retryingSerializationFailures(() =>
        live(tokenHash, purpose, at).set({ consumed_at: at }).returningAll().executeTakeFirst(),
      );
      return row === undefined ? undefined : fromRow(row);
    },
    async consumeAllForUser(userId, purpose, at) {
      const result = await retryingSerializationFailures(() =>
        db
          .updateTable('email_links')
          .set({ consumed_at: at })
          .where('user_id', '=', userId)
          .where('purpose', '=', purpose)
          .where('consumed_at', 'is', null)
          .executeTakeFirst(),
      );
      return changedRows(result);
    },
    deleteExpired(before, limit) {
      return deleteBatchBefore(db, 'email_links', 'token_hash', 'expires_at', before, limit);
    },
  };
}

function toRow(link: EmailLinkRecord): EmailLinksTable {
  return {
    token_hash: link.tokenHash,
    purpose: link.purpose,
    user_id: link.userId,
    email: link.email,
    created_at: link.createdAt,
    expires_at: link.expiresAt,
    consumed_at: link.consumedAt,
  };
}

function fromRow(row: Selectable<EmailLinksTable>): EmailLinkRecord {
  return {
    tokenHash: row.token_hash,
    purpose: row.purpose as EmailLinkPurpose,
    userId: row.user_id,
    email: row.email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
