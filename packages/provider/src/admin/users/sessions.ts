import type { AuditStore, SessionRecord, SessionStore, UserStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser } from './read.js';

type SessionAdminStores = {
  readonly users: Pick<UserStore, 'getByUsername'>;
  readonly sessions: Pick<SessionStore, 'listLiveByUser' | 'getBySid'>;
  readonly audit: AuditStore;
};

/** A user's live provider sessions, most recently used first. */
export async function listUserSessions(
  stores: Omit<SessionAdminStores, 'audit'>,
  username: string,
  options: AdminOptions = {},
): Promise<SessionRecord[]> {
  const user = await requireUser(stores, username);
  return stores.sessions.listLiveByUser(user.id, nowOf(options));
}

/**
 * Ends one of a user's sessions (audited `admin.session.ended` with its `sid`). `end` is how the face
 * ends a session: the provider's logout (grants revoked, back-channel logout sent), so the admin layer
 * needs no HTTP of its own. A sid of another user, or of an ended session, is ERR_NOT_FOUND.
 */
export async function endUserSession(
  stores: SessionAdminStores,
  username: string,
  sid: string,
  end: (session: SessionRecord) => Promise<unknown>,
  options: AdminOptions = {},
): Promise<void> {
  const user = await requireUser(stores, username);
  const session = typeof sid === 'string' && sid !== '' ? await stores.sessions.getBySid(sid) : undefined;
  const at = nowOf(options);
  if (
    session === undefined ||
    session.userId !== user.id ||
    session.endedAt !== null ||
    session.expiresAt <= at
  ) {
    throw notFound('sid', `${JSON.stringify(username)} has no live session ${JSON.stringify(sid)}`);
  }
  await end(session);
  await recordAdminEvent(stores, options, {
    type: 'admin.session.ended',
    at,
    userId: user.id,
    details: { sid },
  });
}
