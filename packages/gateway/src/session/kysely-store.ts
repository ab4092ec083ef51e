import { type Database, isSerializationFailure, type Kysely } from '@latchkey/store';
import type { LoginRow, SessionRow, SessionStore } from './store.js';

interface Tables {
  gateway_sessions: {
    id_hash: string;
    provider: string;
    subject: string;
    sid: string | null;
    data: string;
    access_expires_at: number | null;
    created_at: number;
    expires_at: number;
  };
  gateway_logins: { state_hash: string; data: string; expires_at: number; consumed_at: number | null };
  gateway_dpop_replay: { key: string; expires_at: number };
}

/** The one SessionStore implementation, over Kysely, for SQLite and PostgreSQL alike. */
export class KyselySessionStore implements SessionStore {
  readonly #db: Kysely<Tables>;

  constructor(database: Database) {
    this.#db = database.db as Kysely<Tables>;
  }

  async createSession(row: SessionRow): Promise<void> {
    await this.#db
      .insertInto('gateway_sessions')
      .values({
        id_hash: row.idHash,
        provider: row.provider,
        subject: row.subject,
        sid: row.sid ?? null,
        data: row.data,
        access_expires_at: row.accessExpiresAt ?? null,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async findSession(idHash: string, now: number): Promise<SessionRow | undefined> {
    const row = await this.#db
      .selectFrom('gateway_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      idHash: row.id_hash,
      provider: row.provider,
      subject: row.subject,
      sid: row.sid ?? undefined,
      data: row.data,
      accessExpiresAt: row.access_expires_at === null ? undefined : Number(row.access_expires_at),
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
  }

  async updateSession(
    idHash: string,
    change: { data: string; accessExpiresAt: number | undefined },
  ): Promise<void> {
    await this.#db
      .updateTable('gateway_sessions')
      .set({ data: change.data, access_expires_at: change.accessExpiresAt ?? null })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#db.deleteFrom('gateway_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteSessionsFor(
    provider: string,
    match: { sid?: string | undefined; sub?: string | undefined },
  ): Promise<number> {
    if (match.sid === undefined && match.sub === undefined) return 0;
    let query = this.#db.deleteFrom('gateway_sessions').where('provider', '=', provider);
    // OIDC Back-Channel Logout §2.7: with a sid, only that session; with only a sub, all of the user's.
    query =
      match.sid !== undefined ? query.where('sid', '=', match.sid) : query.where('subject', '=', match.sub!);
    if (match.sid !== undefined && match.sub !== undefined) query = query.where('subject', '=', match.sub);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async createLogin(row: LoginRow): Promise<void> {
    await this.#db
      .insertInto('gateway_logins')
      .values({ state_hash: row.stateHash, data: row.data, expires_at: row.expiresAt, consumed_at: null })
      .execute();
  }

  async consumeLogin(stateHash: string, now: number): Promise<LoginRow | undefined> {
    // DESIGN rule 7: consumed atomically; of two racing callbacks only one updates the row.
    const result = await this.#db
      .updateTable('gateway_logins')
      .set({ consumed_at: now })
      .where('state_hash', '=', stateHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    const row = await this.#db
      .selectFrom('gateway_logins')
      .select(['state_hash', 'data', 'expires_at'])
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : { stateHash: row.state_hash, data: row.data, expiresAt: Number(row.expires_at) };
  }

  async rememberProof(key: string, expiresAt: number, at: number): Promise<boolean> {
    try {
      // One statement (SQLite 3.24+, PostgreSQL 9.5+): insert the key if absent, or take over its row
      // only if that one has expired. The row count says whether this caller saw the key first; of two
      // at once, the second waits on the key and then finds it live.
      const result = await this.#db
        .insertInto('gateway_dpop_replay')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
            .where('gateway_dpop_replay.expires_at', '<=', at),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    } catch (error) {
      // Under SERIALIZABLE the loser of a race on one key fails instead of waiting: it is the replay.
      if (isSerializationFailure(error)) return false;
      throw error;
    }
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#db.deleteFrom('gateway_sessions').where('expires_at', '<=', now).execute();
    await this.#db.deleteFrom('gateway_logins').where('expires_at', '<=', now).execute();
    await this.#db.deleteFrom('gateway_dpop_replay').where('expires_at', '<=', now).execute();
  }
}
