import { type Insertable, type Kysely, type RawBuilder, type Selectable, sql } from '@latchkey/store';
import { changedRows, fromFlag, fromJsonColumn, toFlag, toJsonColumn } from './lib/columns.js';
import { compiledOnce } from './lib/compiled-once.js';
import { mapConflict } from './lib/conflict.js';
import { checkPageLimit, pageOf } from './lib/page.js';
import { foldAscii, foldedKey, startsWith } from './lib/prefix.js';
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
  // Read by every console page (the admin and their membership of the administrators' group).
  const selectByIdInGroup = compiledOnce(2, (id: string, group: string) =>
    selectUsers()
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('group_members')
              .select('group_members.user_id')
              .whereRef('group_members.user_id', '=', 'users.id')
              .where('group_members.group_name', '=', group),
          )
          .as('member'),
      )
      .where('id', '=', id),
  );
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
    async getByIdInGroup(id, group) {
      const [row] = (await selectByIdInGroup(db, id, group)).rows;
      if (row === undefined) return undefined;
      // A boolean on PostgreSQL, 0 or 1 on SQLite.
      const { member, ...user } = row;
      return { user: fromRow(user), member: member === true || Number(member) === 1 };
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
      // The folded username orders and bounds the page (lib/prefix.ts): on SQLite lower(username), the
      // unique index's key; on PostgreSQL the same in byte order, indexed by migration 0018.
      const username = foldedKey(db, 'username');
      const bounded = (match?: RawBuilder<boolean>) => {
        let query = selectLiveUsers();
        if (match !== undefined) query = query.where(match);
        if (after !== undefined) query = query.where(username, '>', after);
        // A literal, not a parameter: SQLite matches a partial index's WHERE (users_disabled_key,
        // migration 0018) only against the statement's own text.
        if (disabled !== undefined) query = query.where('disabled', '=', sql.lit(toFlag(disabled)));
        return query.orderBy(username).limit(limit + 1);
      };
      if (q === undefined || q === '') return pageOf((await bounded().execute()).map(fromRow), limit, keyOf);
      // A search is two ranges, each read from its own index in username order and limited, then merged:
      // with `username OR email` in one WHERE, PostgreSQL walked the username index filtering every row
      // before the matches (9,000 of 10,000 users for q=user-09). Usernames are stored lower-cased in
      // full; an email is folded in ASCII only, as its key is.
      const byUsername = bounded(startsWith(username, q.toLowerCase()));
      const byEmail = bounded(startsWith(foldedKey(db, 'email'), foldAscii(q)));
      const rows = await db
        .selectFrom(
          db
            .selectFrom(byUsername.as('by_username'))
            .selectAll()
            .union(db.selectFrom(byEmail.as('by_email')).selectAll())
            .as('matched'),
        )
        .selectAll()
        .orderBy(foldedKey(db, 'matched.username'))
        .limit(limit + 1)
        .execute();
      return pageOf(rows.map(fromRow), limit, keyOf);
    },
    async count() {
      // From partial indexes (migration 0018), never the rows: all users (any index) less the erased,
      // and the live disabled ones.
      const countOf = (where?: string) => {
        const users = db.selectFrom('users');
        return (where === undefined ? users : users.where(sql.raw<boolean>(where)))
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
          .then((row) => Number(row.n));
      };
      const [all, erased, disabled] = await Promise.all([
        countOf(),
        countOf('deleted_at is not null'),
        countOf('deleted_at is null and disabled = 1'),
      ]);
      return { users: all - erased, disabled };
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

/** A page's key: the username, stored lower-cased (the folded key's value). */
const keyOf = (user: UserRecord) => user.username;

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
