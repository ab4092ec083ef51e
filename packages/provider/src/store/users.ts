import { type Insertable, type Kysely, type Selectable, sql } from '@latchkey/store';
import { changedRows, fromFlag, fromJsonColumn, toFlag, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { checkPageLimit, pageOf, prefixPattern } from './lib/page.js';
import { type ProviderSchema, USERNAME_INDEX, type UsersTable } from './schema.js';
import type { UserProfileClaims, UserRecord, UserStore } from './types.js';

/** Usernames compare case-insensitively: stored and looked up lower-cased. */
function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

export function createUserStore(db: Kysely<ProviderSchema>): UserStore {
  const selectUsers = () => db.selectFrom('users').selectAll();
  // Erased users are tombstones: found by id (so their tokens are refused as a disabled user's), never listed.
  const selectLiveUsers = () => selectUsers().where('deleted_at', 'is', null);
  // Read by every token, UserInfo and sign-in request: compiled once (lib/compiled-once.ts).
  const selectById = compiledOnce(1, (id: string) => selectUsers().where('id', '=', id));
  return {
    async create(user) {
      await mapConflict(
        'user',
        (target) => (target.includes(USERNAME_INDEX) ? 'username' : 'id'),
        () => db.insertInto('users').values(toRow(user)).execute(),
      );
    },
    async getById(id) {
      const [row] = (await selectById(db, id)).rows;
      return row === undefined ? undefined : fromRow(row);
    },
    async getByUsername(username) {
      // lower(username) so the lookup uses the unique expression index.
      const row = await selectLiveUsers()
        .where((eb) => eb(eb.fn('lower', ['username']), '=', normalizeUsername(username)))
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async listByEmail(email) {
      // lower(email) so the lookup uses users_email_lower (migration 0012); a handful of rows at most.
      const rows = await selectUsers()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
        .orderBy('created_at')
        .limit(10)
        .execute();
      return rows.map(fromRow);
    },
    async markEmailVerified(id, email, at) {
      // Only the address the link was sent to: a link for an address the user has since changed does nothing.
      const result = await db
        .updateTable('users')
        .set({ email_verified: toFlag(true), updated_at: at })
        .where('id', '=', id)
        .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async list() {
      const rows = await selectLiveUsers().orderBy('username').execute();
      return rows.map(fromRow);
    },
    async page({ limit, after, q, disabled }) {
      checkPageLimit(limit);
      let query = selectLiveUsers();
      // Usernames are stored lower-cased: lower(username) is the unique expression index's key.
      const username = sql<string>`lower(username)`;
      if (after !== undefined) query = query.where(username, '>', after);
      if (disabled !== undefined) query = query.where('disabled', '=', toFlag(disabled));
      if (q !== undefined && q !== '') {
        const pattern = sql<string>`${prefixPattern(q)} escape '\\'`;
        query = query.where((eb) =>
          eb.or([eb(username, 'like', pattern), eb(eb.fn('lower', ['email']), 'like', pattern)]),
        );
      }
      const rows = await query
        .orderBy(username)
        .limit(limit + 1)
        .execute();
      return pageOf(rows.map(fromRow), limit, (u) => u.username);
    },
    async setDisabled(id, disabled, at) {
      const result = await db
        .updateTable('users')
        .set({ disabled: toFlag(disabled), updated_at: at })
        .where('id', '=', id)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async setPasswordHash(id, passwordHash, at) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: at, updated_at: at })
        .where('id', '=', id)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async updateProfile(user) {
      const result = await db
        .updateTable('users')
        .set({
          email: user.email,
          email_verified: toFlag(user.emailVerified),
          profile: toJsonColumn(user.profile),
          updated_at: user.updatedAt,
        })
        .where('id', '=', user.id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
    async erase(id, at) {
      const result = await db
        .updateTable('users')
        .set({
          // Not a valid username (`~`), so no sign-in can name it and no new user can collide with it.
          username: `${ERASED_USERNAME_PREFIX}${id}`,
          email: null,
          email_verified: 0,
          profile: '{}',
          password_hash: null,
          password_changed_at: null,
          disabled: 1,
          updated_at: at,
          deleted_at: at,
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return changedRows(result) > 0;
    },
  };
}

/** The username of an erased user's tombstone: `~erased~` + its random id. */
export const ERASED_USERNAME_PREFIX = '~erased~';

function toRow(user: UserRecord): Insertable<UsersTable> {
  return {
    id: user.id,
    username: normalizeUsername(user.username),
    email: user.email,
    email_verified: toFlag(user.emailVerified),
    profile: toJsonColumn(user.profile),
    password_hash: user.passwordHash,
    password_changed_at: user.passwordChangedAt,
    disabled: toFlag(user.disabled),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function fromRow(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: fromFlag(row.email_verified),
    profile: fromJsonColumn<UserProfileClaims>(row.profile),
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    disabled: fromFlag(row.disabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
