import type { FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import type { SessionRecord, UserRecord } from '../store/types.js';

/** The person an account-page request is for: their live session and their user record. */
export interface SignedIn {
  readonly session: SessionRecord;
  readonly user: UserRecord;
}

/** The browser's live session and its user, or undefined (no session, a disabled or erased user). */
export async function signedInPerson(
  signIn: SignInContext,
  request: FastifyRequest,
): Promise<SignedIn | undefined> {
  // As currentSession, but the user it checks is the one returned: read once, not twice.
  const session = await signIn.sessions.current(request);
  if (session === undefined) return undefined;
  const user = await signIn.stores.users.getById(session.userId);
  return user === undefined || user.disabled ? undefined : { session, user };
}
