import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from './cookies.js';
import { sha256 } from './hash.js';

const BROWSER_ID_BYTES = 32;
/** Outlives a sign-in, so a form opened a while ago still posts; renewed whenever a page is shown. */
const BROWSER_COOKIE_MAX_AGE = 24 * 3600;

/**
 * A random id per browser in an HttpOnly cookie, set before any form is shown. It anchors two things:
 * - the CSRF token of every form (S4): HMAC-SHA256 of the id under a key derived from LATCHKEY_SECRET,
 *   so a page from another site can neither read nor compute it (signed double-submit, OWASP CSRF CS);
 * - the pending authorization request (interaction), sealed with this id's hash inside, so an
 *   interaction URL is useless in another browser.
 */
export interface BrowserBinding {
  /**
   * The browser's id, creating it (and its cookie) if the request had none. Called twice while
   * answering one request, it returns the same id and sets the cookie once.
   */
  ensure(request: FastifyRequest, reply: FastifyReply): string;
  /** The browser's id from the cookie, if any. */
  read(request: FastifyRequest): string | undefined;
  /** What an interaction stores to be bound to this browser. */
  fingerprint(browserId: string): string;
  csrfToken(browserId: string): string;
  /** Constant-time check of a submitted CSRF token against the browser's cookie. */
  checkCsrfToken(browserId: string | undefined, submitted: string | undefined): boolean;
}

export function createBrowserBinding(deps: {
  readonly secret: Uint8Array;
  readonly secure: boolean;
  readonly random: (n: number) => Buffer;
}): BrowserBinding {
  const name = cookieName('latchkey-browser', deps.secure);
  const key = Buffer.from(hkdfSync('sha256', deps.secret, Buffer.alloc(0), 'latchkey csrf v1', 32));
  const csrfToken = (browserId: string) =>
    createHmac('sha256', key).update(`csrf:${browserId}`).digest('base64url');
  const read = (request: FastifyRequest) => readCookie(request.headers.cookie, name);
  // A request that already got its id (and cookie): /authorize binds the interaction to the browser
  // and then shows the login form, whose CSRF token must come from the same id.
  const ensured = new WeakMap<FastifyRequest, string>();
  return {
    read,
    ensure(request, reply) {
      const known = ensured.get(request);
      if (known !== undefined) return known;
      const id = read(request) ?? deps.random(BROWSER_ID_BYTES).toString('base64url');
      appendSetCookie(
        reply,
        serializeCookie(name, id, { secure: deps.secure, maxAge: BROWSER_COOKIE_MAX_AGE }),
      );
      ensured.set(request, id);
      return id;
    },
    fingerprint: (browserId) => sha256(`browser:${browserId}`),
    csrfToken,
    checkCsrfToken(browserId, submitted) {
      if (browserId === undefined || submitted === undefined) return false;
      const expected = Buffer.from(csrfToken(browserId));
      const given = Buffer.from(submitted);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
