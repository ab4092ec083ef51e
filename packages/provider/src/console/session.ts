import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSealedBox } from '../relying-party/sealed-box.js';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from '../sessions/cookies.js';

/**
 * The console's own session, server-side in the sense that the browser can neither read nor change it:
 * sealed (AES-256-GCM, relying-party/sealed-box.ts) in an HttpOnly, SameSite=Lax cookie, `__Host-` on
 * https (S6). It is bound to the provider session it came from (`sid` of the ID token): when that
 * session ends (sign-out, password change, an admin ends it), the console session is dead too.
 */
export interface ConsoleSession {
  /**
   * The provider session's public id (OIDC Core §2 `sid`). Who the admin is comes from that session
   * (its user is the ID token's `sub`), so the cookie stays small whatever the length of a `sub`.
   */
  readonly sid: string;
  /** When the admin last actively authenticated (`auth_time`): sensitive actions need it recent. */
  readonly authTime: number;
  /** The CSRF token of this session's forms (N2), random. */
  readonly csrf: string;
  readonly startedAt: number;
}

/** Idle lifetime: a console left open for this long asks to sign in again. */
export const CONSOLE_IDLE_TIMEOUT = 15 * 60;
/** Absolute lifetime, however active. */
export const CONSOLE_MAX_LIFETIME = 8 * 3600;

export interface ConsoleSessions {
  read(request: FastifyRequest, now: number): ConsoleSession | undefined;
  /** Writes (or slides) the session cookie: it expires CONSOLE_IDLE_TIMEOUT after `now`. */
  write(reply: FastifyReply, session: ConsoleSession, now: number): void;
  clear(reply: FastifyReply): void;
  csrfOk(session: ConsoleSession, submitted: string | undefined): boolean;
}

export function createConsoleSessions(deps: {
  readonly secret: Uint8Array;
  readonly random: (n: number) => Buffer;
  readonly secure: boolean;
}): ConsoleSessions {
  const name = cookieName('latchkey-console', deps.secure);
  const box = createSealedBox<ConsoleSession>(deps.secret, 'latchkey console session v1', deps.random);
  return {
    read(request, now) {
      const session = box.open(readCookie(request.headers.cookie, name), now);
      if (
        session === undefined ||
        typeof session.sid !== 'string' ||
        typeof session.authTime !== 'number' ||
        typeof session.csrf !== 'string' ||
        typeof session.startedAt !== 'number'
      ) {
        return undefined;
      }
      return session;
    },
    write(reply, session, now) {
      const expiresAt = Math.min(now + CONSOLE_IDLE_TIMEOUT, session.startedAt + CONSOLE_MAX_LIFETIME);
      // No Max-Age: a browser-session cookie; the sealed expiry is what counts.
      appendSetCookie(reply, serializeCookie(name, box.seal(session, expiresAt), { secure: deps.secure }));
    },
    clear(reply) {
      appendSetCookie(reply, serializeCookie(name, '', { secure: deps.secure, maxAge: 0 }));
    },
    csrfOk(session, submitted) {
      if (submitted === undefined) return false;
      const expected = Buffer.from(session.csrf);
      const given = Buffer.from(submitted);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
