import type { Kysely } from '@latchkey/store';
import { fromRow as clientFromRow, toRow as clientToRow } from './clients.js';
import { changedRows } from './lib/columns.js';
import type { ProviderSchema } from './schema.js';
import type { ClientRegistrationStore, InitialAccessTokenStore } from './types.js';

export function createClientRegistrationStore(db: Kysely<ProviderSchema>): ClientRegistrationStore {
  return {
    async create({ client, registrationTokenHash, createdAt }) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('clients').values(clientToRow(client)).execute();
        await trx
          .insertInto('client_registrations')
          .values({
            client_id: client.clientId,
            registration_token_hash: registrationTokenHash,
            created_at: createdAt,
          })
          .execute();
      });
    },
    async get(clientId) {
      const row = await db
        .selectFrom('client_registrations as r')
        .innerJoin('clients as c', 'c.client_id', 'r.client_id')
        .selectAll('c')
        .select(['r.registration_token_hash', 'r.created_at as registered_at'])
        .where('r.client_id', '=', clientId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const { registration_token_hash, registered_at, ...client } = row;
      return {
        client: { ...clientFromRow(client), origin: 'dynamic' },
        registrationTokenHash: registration_token_hash,
        createdAt: registered_at,
      };
    },
    async replaceClient(client) {
      const { client_id, created_at: _created, ...columns } = clientToRow(client);
      const result = await db
        .updateTable('clients')
        .set(columns)
        .where('client_id', '=', client_id)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('client_registrations')
              .select('client_id')
              .where('client_registrations.client_id', '=', client_id),
          ),
        )
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async delete(clientId) {
      const result = await db
        .deleteFrom('clients')
        .where('client_id', '=', clientId)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('client_registrations')
              .select('client_id')
              .where('client_registrations.client_id', '=', clientId),
          ),
        )
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async deleteUnusedSince(before) {
      // A client is in use while it gets grants (every authorization makes one) or refresh tokens
      // (every refresh makes one): both tables carry the client id and a creation time.
      const result = await db
        .deleteFrom('clients')
        .where('client_id', 'in', (eb) =>
          eb
            .selectFrom('client_registrations as r')
            .select('r.client_id')
            .where('r.created_at', '<', before)
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('grants as g')
                    .select('g.client_id')
                    .whereRef('g.client_id', '=', 'r.client_id')
                    .where('g.created_at', '>=', before),
                ),
              ),
            )
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('refresh_tokens as t')
                    .select('t.client_id')
                    .whereRef('t.client_id', '=', 'r.client_id')
                    .where('t.created_at', '>=', before),
                ),
              ),
            ),
        )
        .executeTakeFirst();
      return changedRows(result);
    },
  };
}

export function createInitialAccessTokenStore(db: Kysely<ProviderSchema>): InitialAccessTokenStore {
  return {
    async create(tokenHash, createdAt, expiresAt) {
      await db
        .insertInto('initial_access_tokens')
        .values({ token_hash: tokenHash, created_at: createdAt, expires_at: expiresAt, used_at: null })
        .execute();
    },
    async consume(tokenHash, at) {
      // DESIGN rule 7: one guarded UPDATE, so of two registrations racing on one token one wins.
      const result = await db
        .updateTable('initial_access_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return changedRows(result) === 1;
    },
    async deleteExpired(before) {
      const result = await db
        .deleteFrom('initial_access_tokens')
        .where('expires_at', '<=', before)
        .executeTakeFirst();
      return changedRows(result);
    },
  };
}
