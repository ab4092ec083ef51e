import { randomBytes } from 'node:crypto';
import { AdminError, invalidInput } from '../lib/admin-errors.js';
import { type Clock, systemClock } from '../lib/clock.js';
import {
  type ClientStore,
  StoreConflictError,
  type UserProfileClaims,
  type UserRecord,
  type UserStore,
} from '../store/types.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';

export interface CreateUserInput {
  readonly username: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly name?: string;
  /** Other OIDC standard claims (OIDC Core §5.1). */
  readonly profile?: UserProfileClaims;
  readonly password?: string;
  /** The subject identifier; default 128 random bits. May not equal a client id (C6). */
  readonly id?: string;
}

export interface UserServiceOptions {
  readonly now?: Clock;
  readonly random?: (n: number) => Buffer;
}

type UserStores = { readonly users: UserStore; readonly clients: ClientStore };

const SUBJECT_BYTES = 16;

export async function createUser(
  stores: UserStores,
  input: CreateUserInput,
  options: UserServiceOptions = {},
): Promise<UserRecord> {
  const at = (options.now ?? systemClock)();
  const username = normalizeUsername(input.username);
  if (input.email !== undefined) checkEmail(input.email);
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 200)) {
    throw invalidInput('name', 'must be at most 200 characters');
  }
  if (input.id !== undefined && !/^[A-Za-z0-9._~-]{1,255}$/.test(input.id)) {
    throw invalidInput('id', 'must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ -');
  }
  if (input.password !== undefined) checkPassword(input.password);
  const id = input.id ?? (options.random ?? randomBytes)(SUBJECT_BYTES).toString('base64url');
  // C6 (RFC 9700 §4.15): a `sub` equal to a client id would make that client's tokens look like this user's.
  if ((await stores.clients.get(id)) !== undefined) {
    throw new AdminError('ERR_CONFLICT', 'id: equals the id of a client', 'id');
  }
  const profile: UserProfileClaims = {
    ...input.profile,
    ...(input.name === undefined ? {} : { name: input.name }),
  };
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
      throw new AdminError('ERR_CONFLICT', `username: ${JSON.stringify(username)} is taken`, 'username');
    }
    throw error;
  }
  return user;
}

export function listUsers(stores: { readonly users: UserStore }): Promise<UserRecord[]> {
  return stores.users.list();
}

export async function disableUser(
  stores: { readonly users: UserStore },
  username: string,
  options: UserServiceOptions = {},
): Promise<void> {
  const user = await requireUser(stores, username);
  await stores.users.setDisabled(user.id, true, (options.now ?? systemClock)());
}

export async function setUserPassword(
  stores: { readonly users: UserStore },
  username: string,
  password: string,
  options: UserServiceOptions = {},
): Promise<void> {
  checkPassword(password);
  const user = await requireUser(stores, username);
  await stores.users.setPasswordHash(user.id, await hashPassword(password), (options.now ?? systemClock)());
}

/**
 * The user a username and password identify, or undefined. Unknown users, disabled users and users
 * without a password cost the same argon2id verification as a wrong password (S2).
 */
export async function verifyUserPassword(
  stores: { readonly users: UserStore },
  username: string,
  password: string,
): Promise<UserRecord | undefined> {
  const user =
    typeof username === 'string'
      ? await stores.users.getByUsername(username.trim().toLowerCase())
      : undefined;
  const matches = await verifyPassword(user?.passwordHash, typeof password === 'string' ? password : '');
  return matches && user !== undefined && !user.disabled ? user : undefined;
}

async function requireUser(stores: { readonly users: UserStore }, username: string): Promise<UserRecord> {
  const user = await stores.users.getByUsername(normalizeUsername(username));
  if (!user) throw new AdminError('ERR_NOT_FOUND', `No user named ${JSON.stringify(username)}`, 'username');
  return user;
}

/** Usernames compare case-insensitively: stored lower-cased, letters, digits and . _ @ + - only. */
function normalizeUsername(username: unknown): string {
  if (typeof username !== 'string' || !/^[\p{L}\p{N}._@+-]{1,64}$/u.test(username.trim())) {
    throw invalidInput('username', 'must be 1 to 64 letters, digits or . _ @ + -');
  }
  return username.trim().toLowerCase();
}

function checkEmail(email: unknown): void {
  if (typeof email !== 'string' || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw invalidInput('email', 'is not an email address');
  }
}

/** The rules a new password must meet; throws ERR_INVALID_INPUT naming `password`. */
export function checkPassword(password: unknown): void {
  if (
    typeof password !== 'string' ||
    [...password].length < MIN_PASSWORD_LENGTH ||
    password.length > MAX_PASSWORD_LENGTH
  ) {
    throw invalidInput('password', `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
}
