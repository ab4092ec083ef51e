import type { JwkSet, JwsAlgorithm } from '@latchkey/oidc';
import type { Insertable, Kysely, RawBuilder, Selectable } from '@latchkey/store';
import {
  changedRows,
  fromFlag,
  fromJsonColumn,
  fromNullableJsonColumn,
  toFlag,
  toJsonColumn,
} from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import { checkPageLimit, pageOf } from './lib/page.js';
import { foldAscii, foldedKey, startsWith } from './lib/prefix.js';
import type { ClientsTable, ProviderSchema } from './schema.js';
import type { ClientRecord, ClientStore, TokenEndpointAuthMethod } from './types.js';

export function createClientStore(db: Kysely<ProviderSchema>): ClientStore {
  return {
    async create(client) {
      await mapConflict(
        'client',
        () => 'client_id',
        () => db.insertInto('clients').values(toRow(client)).execute(),
      );
    },
    async get(clientId) {
      const row = await db
        .selectFrom('clients')
        .selectAll()
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async list() {
      const rows = await db.selectFrom('clients').selectAll().orderBy('client_id').execute();
      return rows.map(fromRow);
    },
    async page({ limit, after, q }) {
      checkPageLimit(limit);
      // The primary key orders and bounds the page (keyset pagination, lib/page.ts).
      const bounded = (match?: RawBuilder<boolean>) => {
        let query = db.selectFrom('clients').selectAll();
        if (match !== undefined) query = query.where(match);
        if (after !== undefined) query = query.where('client_id', '>', after);
        return query.orderBy('client_id').limit(limit + 1);
      };
      if (q === undefined || q === '') return pageOf((await bounded().execute()).map(fromRow), limit, keyOf);
      // Two ranges, each read from its own index (migration 0018, lib/prefix.ts) and limited, then
      // merged: an OR of both in one WHERE makes PostgreSQL walk the primary key filtering every row.
      const prefix = foldAscii(q);
      const byName = bounded(startsWith(foldedKey(db, 'name'), prefix));
      const byId = bounded(startsWith(foldedKey(db, 'client_id'), prefix));
      const rows = await db
        .selectFrom(
          db
            .selectFrom(byName.as('by_name'))
            .selectAll()
            .union(db.selectFrom(byId.as('by_id')).selectAll())
            .as('matched'),
        )
        .selectAll()
        .orderBy('matched.client_id')
        .limit(limit + 1)
        .execute();
      return pageOf(rows.map(fromRow), limit, keyOf);
    },
    async count() {
      const row = await db
        .selectFrom('clients')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async update(client) {
      const { client_id, created_at, type, ...fields } = toRow(client);
      const result = await db
        .updateTable('clients')
        .set({ ...fields, mfa: client.mfa ?? null })
        .where('client_id', '=', client_id)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async delete(clientId) {
      const result = await db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return changedRows(result) > 0;
    },
  };
}

/** A page's key: the client id. */
const keyOf = (client: ClientRecord) => client.clientId;

export function toRow(client: ClientRecord): Insertable<ClientsTable> {
  return {
    client_id: client.clientId,
    name: client.name,
    type: client.type,
    secret_hash: client.secretHash,
    redirect_uris: toJsonColumn(client.redirectUris),
    post_logout_redirect_uris: toJsonColumn(client.postLogoutRedirectUris),
    grant_types: toJsonColumn(client.grantTypes),
    scopes: toJsonColumn(client.scopes),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    jwks: client.jwks === null ? null : toJsonColumn(client.jwks),
    jwks_uri: client.jwksUri,
    allowed_resources: toJsonColumn(client.allowedResources),
    backchannel_logout_uri: client.backchannelLogoutUri,
    disabled: toFlag(client.disabled),
    previous_secret_hash: client.previousSecret?.hash ?? null,
    previous_secret_expires_at: client.previousSecret?.expiresAt ?? null,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens === true ? 1 : 0,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests === true ? 1 : 0,
    // Written only when set: a client on the provider's default is stored as null (the column's default).
    ...(client.mfa === undefined ? {} : { mfa: client.mfa }),
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

export function fromRow(row: Selectable<ClientsTable>): ClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    type: row.type as ClientRecord['type'],
    secretHash: row.secret_hash,
    redirectUris: fromJsonColumn<string[]>(row.redirect_uris),
    postLogoutRedirectUris: fromJsonColumn<string[]>(row.post_logout_redirect_uris),
    grantTypes: fromJsonColumn<string[]>(row.grant_types),
    scopes: fromJsonColumn<string[]>(row.scopes),
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as TokenEndpointAuthMethod,
    idTokenSignedResponseAlg: row.id_token_signed_response_alg as JwsAlgorithm,
    jwks: fromNullableJsonColumn<JwkSet>(row.jwks),
    jwksUri: row.jwks_uri,
    allowedResources: fromJsonColumn<string[]>(row.allowed_resources),
    backchannelLogoutUri: row.backchannel_logout_uri,
    disabled: fromFlag(row.disabled),
    previousSecret:
      row.previous_secret_hash === null || row.previous_secret_expires_at === null
        ? null
        : { hash: row.previous_secret_hash, expiresAt: row.previous_secret_expires_at },
    // Present only when set, like every optional registration field.
    ...(Number(row.dpop_bound_access_tokens) === 1 ? { dpopBoundAccessTokens: true } : {}),
    ...(Number(row.require_pushed_authorization_requests) === 1
      ? { requirePushedAuthorizationRequests: true }
      : {}),
    ...(row.mfa === 'optional' || row.mfa === 'required' ? { mfa: row.mfa } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
