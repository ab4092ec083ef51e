import type { Logout } from '../../logout/log-out.js';
import type { AuditStore, SessionRecord, SessionStore, UserStore } from '../../store/types.js';
import { notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser, type UserRef } from '../users/read.js';

export type SessionAdminDeps = {
  readonly users: Pick<UserStore, 'getByUsername'>;
  readonly sessions: Pick<SessionStore, 'listLiveByUser' | 'getBySid'>;
  readonly audit: AuditStore;
  /** Ending a session is a logout: its grants are revoked and its clients told (Back-Channel Logout). */
  readonly logout: Pick<Logout, 'endSession'>;
};

/** The user's live sessions, most recently used first (never the cookie's hash: it is not shown). */
export async function listUserSessions(
  deps: Pick<SessionAdminDeps, 'users' | 'sessions'>,
  username: UserRef,
  options: AdminOptions = {},
): Promise<SessionRecord[]> {
  const user = await requireUser(deps, username);
  return deps.sessions.listLiveByUser(user.id, nowOf(options));
}

/**
 * Ends one session of a user by its public `sid` (audited `admin.session.ended`); a sid of another
 * user, or of a session no longer live, is ERR_NOT_FOUND and ends nothing.
 */
export async function endUserSession(
  deps: SessionAdminDeps,
  username: string,
  sid: string,
  options: AdminOptions = {},
): Promise<void> {
  const user = await requireUser(deps, username);
  const session = await deps.sessions.getBySid(sid);
  const ended =
    session !== undefined && session.userId === user.id
      ? await deps.logout.endSession(session.idHash)
      : undefined;
  if (ended === undefined)
    throw notFound('sid', `${JSON.stringify(username)} has no live session ${JSON.stringify(sid)}`);
  await recordAdminEvent(deps, options, {
    type: 'admin.session.ended',
    at: nowOf(options),
    userId: user.id,
    details: { sid, grantsRevoked: ended.grantsRevoked },
  });
}

/** Ends every live session of a user, each as a logout (audited `admin.session.ended_all` with the count). */
export async function endAllUserSessions(
  deps: SessionAdminDeps,
  username: string,
  options: AdminOptions = {},
): Promise<{ ended: number }> {
  const user = await requireUser(deps, username);
  let ended = 0;
  for (const session of await deps.sessions.listLiveByUser(user.id, nowOf(options))) {
    if ((await deps.logout.endSession(session.idHash)) !== undefined) ended++;
  }
  await recordAdminEvent(deps, options, {
    type: 'admin.session.ended_all',
    at: nowOf(options),
    userId: user.id,
    details: { ended },
  });
  return { ended };
}
