import type { AuditStore, UserRecord, UserStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { applyProfileChange, checkEmail } from './profile.js';
import { requireUser } from './read.js';

export interface UpdateUserInput {
  /** null removes the address (and its verification). A new address is unverified unless `emailVerified` says so. */
  readonly email?: string | null;
  readonly emailVerified?: boolean;
  /** Profile claims to set (a value) or remove (null), e.g. `{ given_name: 'Alice', locale: null }`. */
  readonly profile?: Readonly<Record<string, unknown>>;
}

/** Changes a user's email and profile claims (audited `admin.user.updated` with the names changed). */
export async function updateUser(
  stores: { readonly users: UserStore; readonly audit: AuditStore },
  username: string,
  input: UpdateUserInput,
  options: AdminOptions = {},
): Promise<{ user: UserRecord; changed: readonly string[] }> {
  const current = await requireUser(stores, username);
  if (input.email !== undefined && input.email !== null) checkEmail(input.email);
  const profile = applyProfileChange(current.profile, input.profile ?? {});
  const email = input.email === undefined ? current.email : input.email;
  // A new address has not been verified by anyone yet (OIDC Core §5.1 email_verified).
  const emailVerified =
    email === null
      ? false
      : (input.emailVerified ?? (email === current.email ? current.emailVerified : false));
  const changed = [
    ...(email === current.email ? [] : ['email']),
    ...(emailVerified === current.emailVerified ? [] : ['email_verified']),
    ...new Set(
      [...Object.keys(profile), ...Object.keys(current.profile)].filter(
        (claim) =>
          JSON.stringify((profile as Record<string, unknown>)[claim]) !==
          JSON.stringify((current.profile as Record<string, unknown>)[claim]),
      ),
    ),
  ];
  if (changed.length === 0) return { user: current, changed };
  const at = nowOf(options);
  const user: UserRecord = { ...current, email, emailVerified, profile, updatedAt: at };
  if (!(await stores.users.updateProfile(user))) {
    throw notFound('username', `No user named ${JSON.stringify(username)}`);
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.user.updated',
    at,
    userId: user.id,
    details: { changed },
  });
  return { user, changed };
}
