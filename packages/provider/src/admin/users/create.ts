import { randomBytes } from 'node:crypto';
import {
  type AuditStore,
  type ClientStore,
  type GroupStore,
  StoreConflictError,
  type UserProfileClaims,
  type UserRecord,
  type UserStore,
} from '../../store/types.js';
import { hashPassword } from '../../users/password.js';
import { checkNewPassword, DEFAULT_PASSWORD_POLICY } from '../../users/password-policy.js';
import { normalizeUsername } from '../../users/username.js';
import { conflict, invalidInput } from '../errors.js';
import { ADMIN_GROUP, addGroupMember, ensureGroup } from '../groups/groups.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { applyProfileChange, checkEmail } from './profile.js';

export interface CreateUserInput {
  readonly username: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly name?: string;
  /** Other OIDC standard claims (OIDC Core §5.1), checked by admin/users/profile.ts. */
  readonly profile?: UserProfileClaims;
  /** Checked against the password policy. Absent: a user who cannot sign in with a password. */
  readonly password?: string;
  /** The subject identifier; default 128 random bits. May not equal a client id (C6). */
  readonly id?: string;
  /** Joins the `latchkey-admins` group (made if missing): the bootstrap of the admin console. */
  readonly admin?: boolean;
}

/** @deprecated name kept for callers of the first release: the options of every admin operation. */
export type UserServiceOptions = AdminOptions;

export type UserAdminStores = {
  readonly users: UserStore;
  readonly clients: Pick<ClientStore, 'get'>;
  readonly groups: GroupStore;
  readonly audit: AuditStore;
};

const SUBJECT_BYTES = 16;

/** Creates a user (audited `admin.user.created`; with `admin`, also `admin.group.member_added`). */
export async function createUser(
  stores: UserAdminStores,
  input: CreateUserInput,
  options: AdminOptions = {},
): Promise<UserRecord> {
  const at = nowOf(options);
  const username = normalizeUsername(input.username);
  if (input.email !== undefined) checkEmail(input.email);
  const profile = applyProfileChange(
    {},
    {
      ...input.profile,
      ...(input.name === undefined ? {} : { name: input.name }),
    },
  );
  if (input.id !== undefined && !/^[A-Za-z0-9._~-]{1,255}$/.test(input.id)) {
    throw invalidInput('id', 'must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ -');
  }
  if (input.password !== undefined) {
    checkNewPassword(input.password, options.passwordPolicy ?? DEFAULT_PASSWORD_POLICY, { username });
  }
  const id = input.id ?? (options.random ?? randomBytes)(SUBJECT_BYTES).toString('base64url');
  // C6 (RFC 9700 §4.15): a `sub` equal to a client id would make that client's tokens look like this user's.
  if ((await stores.clients.get(id)) !== undefined) throw conflict('id', 'equals the id of a client');
  const user: UserRecord = {
    id,
    username,
    email: input.email ?? null,
    emailVerified: input.emailVerified ?? false,
    profile,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    passwordChangedAt: input.password === undefined ? null : at,
    disabled: false,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await stores.users.create(user);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw error.field === 'username'
        ? conflict('username', `${JSON.stringify(username)} is taken`)
        : conflict('id', 'a user with this id already exists');
    }
    throw error;
  }
  await recordAdminEvent(stores, options, { type: 'admin.user.created', at, userId: id });
  if (input.admin === true) {
    await ensureGroup(stores, ADMIN_GROUP, options);
    await addGroupMember(stores, ADMIN_GROUP, username, options);
  }
  return user;
}
