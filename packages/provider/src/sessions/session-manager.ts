import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import type { SessionRecord, SessionStore } from '../store/types.js';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from './cookies.js';
import { sha256 } from './hash.js';

/** 256 bits: the cookie's session id cannot be guessed. */
const SESSION_ID_BYTES = 32;
/** The public `sid` (Back-Channel Logout §2.1) is separate from the cookie id: 128 bits is plenty. */
const SID_BYTES = 16;
/** Seconds: how stale `lastSeenAt` may be before a request writes it again (with an idle timeout). */
const TOUCH_AT_MOST_EVERY = 60;

export interface SessionManagerDeps {
  readonly store: SessionStore;
  readonly clock: Clock;
  readonly random: (n: number) => Buffer;
  /** Seconds, from config.session.lifetime. */
  readonly lifetime: number;
  /** Seconds, from config.session.idleTimeout; undefined: sessions end only at their lifetime. */
  readonly idleTimeout?: number | undefined;
  /** https issuer → `__Host-` prefix and Secure (S6). */
  readonly secure: boolean;
}

export interface SignInFacts {
  readonly userId: string;
  /** RFC 8176 methods, e.g. ['pwd']. */
  readonly amr: readonly string[];
  readonly acr: string | null;
}

export interface SessionManager {
  readonly cookieName: string;
  /**
   * The live session the request's cookie names, if any. With an idle timeout, a session unused for
   * that long is not live, and a used one is marked seen (at most once a minute: a write per page
   * view would be waste, so the timeout holds to within a minute or a tenth of itself).
   */
  current(request: FastifyRequest): Promise<SessionRecord | undefined>;
  /**
   * Starts a new session after a successful sign-in: always a NEW random id (S3, session fixation),
   * and the session the browser had before, if any, is ended.
   */
  start(request: FastifyRequest, reply: FastifyReply, facts: SignInFacts): Promise<SessionRecord>;
}

export function createSessionManager(deps: SessionManagerDeps): SessionManager {
  const name = cookieName('latchkey-session', deps.secure);
  const read = (request: FastifyRequest) => readCookie(request.headers.cookie, name);
  return {
    cookieName: name,
    async current(request) {
      const id = read(request);
      if (id === undefined) return undefined;
      const now = deps.clock();
      const session = await deps.store.get(sha256(id), now);
      const idle = deps.idleTimeout;
      if (session === undefined || idle === undefined) return session;
      const unseen = now - session.lastSeenAt;
      if (unseen >= idle) return undefined;
      if (unseen >= Math.min(TOUCH_AT_MOST_EVERY, idle / 10)) await deps.store.touch(session.idHash, now);
      return session;
    },
    async start(request, reply, facts) {
      const now = deps.clock();
      const previous = read(request);
      if (previous !== undefined) await deps.store.end(sha256(previous), now);
      const id = deps.random(SESSION_ID_BYTES).toString('base64url');
      const session: SessionRecord = {
        idHash: sha256(id),
        sid: deps.random(SID_BYTES).toString('base64url'),
        userId: facts.userId,
        authTime: now,
        amr: [...facts.amr],
        acr: facts.acr,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + deps.lifetime,
        endedAt: null,
      };
      await deps.store.create(session);
      appendSetCookie(reply, serializeCookie(name, id, { secure: deps.secure, maxAge: deps.lifetime }));
      return session;
    },
  };
}
