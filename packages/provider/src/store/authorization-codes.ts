import type { Insertable, Kysely, Selectable } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import type { AuthorizationCodesTable, ProviderSchema } from './schema.js';
import type { AuthorizationCodeRecord, AuthorizationCodeStore } from './types.js';

export function createAuthorizationCodeStore(db: Kysely<ProviderSchema>): AuthorizationCodeStore {
  // The code exchange's statements, compiled once (lib/compiled-once.ts).
  const selectByHash = compiledOnce(1, (codeHash: string) =>
    db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash),
  );
  const markConsumed = compiledOnce(2, (at: number, codeHash: string) =>
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: at })
      .where('code_hash', '=', codeHash)
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  // The code with its grant's id and revocation time, each by a scalar subquery on the grant's primary
  // key: the form of the refresh grant's token read (store/refresh-tokens.ts), two index searches.
  const selectWithGrant = compiledOnce(1, (codeHash: string) =>
    db
      .selectFrom('authorization_codes as c')
      .selectAll('c')
      .select((eb) => [
        eb.selectFrom('grants as g').select('g.id').whereRef('g.id', '=', 'c.grant_id').as('g_id'),
        eb
          .selectFrom('grants as g')
          .select('g.revoked_at')
          .whereRef('g.id', '=', 'c.grant_id')
          .as('g_revoked_at'),
      ])
      .where('c.code_hash', '=', codeHash),
  );
  async function get(codeHash: string): Promise<AuthorizationCodeRecord | undefined> {
    const [row] = (await selectByHash(db, codeHash)).rows;
    return row === undefined ? undefined : fromRow(row);
  }
  return {
    get,
    async getWithGrant(codeHash) {
      const [row] = (await selectWithGrant(db, codeHash)).rows;
      if (row === undefined) return undefined;
      const grant = row.g_id === null ? undefined : { id: row.g_id, revokedAt: row.g_revoked_at };
      return { code: fromRow(row), grant };
    },
    async create(code) {
      await mapConflict(
        'authorization code',
        () => 'code_hash',
        () => db.insertInto('authorization_codes').values(toRow(code)).execute(),
      );
    },
    async consume(codeHash, at) {
      // DESIGN rule 7, RFC 6749 §4.1.2 (a code is used once): one conditional UPDATE decides the winner.
      // Only the statement that moved consumed_at from NULL gets the row back, so of two instances
      // redeeming one code at once exactly one sees 'consumed'.
      const won = await retryingSerializationFailures(
        async () => (await markConsumed(db, at, codeHash)).rows[0],
      );
      if (won !== undefined) return { status: 'consumed', code: fromRow(won) };
      const seen = await get(codeHash);
      return seen === undefined ? { status: 'not_found' } : { status: 'replayed', code: seen };
    },
    deleteExpired(before, limit) {
      return deleteBatchBefore(db, 'authorization_codes', 'code_hash', 'expires_at', before, limit);
    },
  };
}

function toRow(code: AuthorizationCodeRecord): Insertable<AuthorizationCodesTable> {
  return {
    code_hash: code.codeHash,
    grant_id: code.grantId,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    scopes: toJsonColumn(code.scopes),
    nonce: code.nonce,
    code_challenge: code.codeChallenge,
    // Written only when bound (RFC 9449 §10), so a code row is what older schemas hold (0014 added the column).
    ...(code.dpopJkt === undefined || code.dpopJkt === null ? {} : { dpop_jkt: code.dpopJkt }),
    sid: code.sid,
    auth_time: code.authTime,
    acr: code.acr,
    amr: toJsonColumn(code.amr),
    claims_request: code.claimsRequest,
    resources: toJsonColumn(code.resources),
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
  };
}

function fromRow(row: Selectable<AuthorizationCodesTable>): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scopes: fromJsonColumn<string[]>(row.scopes),
    nonce: row.nonce,
    codeChallenge: row.code_challenge,
    dpopJkt: row.dpop_jkt,
    sid: row.sid,
    authTime: row.auth_time,
    acr: row.acr,
    amr: fromJsonColumn<string[]>(row.amr),
    claimsRequest: row.claims_request,
    resources: fromJsonColumn<string[]>(row.resources),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
