import type { FastifyReply } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { ACCOUNT_PATHS } from '../endpoints/paths.js';
import { signedInRecently } from '../sessions/recent-sign-in.js';
import type { SessionRecord } from '../store/types.js';

/**
 * Linking another provider's account happens only after the person has signed in to this account
 * recently (issue 17; within REAUTH_WINDOW, like the console's `max_age`), so a session left open on a
 * shared computer cannot be given a new way in. A stale session is sent to the account page's confirm
 * step (sign in again) and nothing is linked; undefined when the session is recent enough.
 * When second factors land, "recent" will also mean "passed the enrolled second factor".
 */
export function confirmBeforeLinking(
  context: SignInContext,
  session: Pick<SessionRecord, 'authTime'>,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (signedInRecently(session.authTime, context.clock())) return undefined;
  return reply
    .code(303)
    .headers({ location: context.basePath + ACCOUNT_PATHS.confirm, 'cache-control': 'no-store' })
    .send();
}
