import type { JwtClaims, TokenSet } from '@latchkey/oidc';
import { type ActiveSession, dataOf, type SessionData, type Sessions } from './manager.js';
import { hashId } from './seal.js';

/** The whole session as it travels, sealed, in the cookie. Times are epoch seconds. */
interface CookieSession {
  readonly provider: string;
  readonly data: SessionData;
  /** When the access token expires; the session ends then if it forwards that token. */
  readonly accessExpiresAt: number | undefined;
  readonly expiresAt: number;
}

export interface CookieSessionsOptions {
  /** Absolute lifetime, seconds. */
  readonly maxAge: number;
  /** Keep the access token (it is forwarded upstream); otherwise it is left out to keep the cookie small. */
  readonly keepAccessToken: boolean;
  readonly now: () => number;
}

/**
 * Cookie-only sessions (`session.store: cookie`): the value `create` returns is the session itself
 * (provider, claims, ID token for the logout hint, the access token only when it is forwarded, expiry);
 * BrowserFlows seals it into the cookie like a session id (AES-256-GCM, checklist S6).
 * Nothing is kept server-side, so nothing can end a session early: not back-channel logout (`endFor`
 * ends none) and not refresh (no refresh token is kept). The session lasts `maxAge`, and no longer
 * than the access token when that token is forwarded.
 */
export class CookieSessions implements Sessions {
  readonly #options: CookieSessionsOptions;

  constructor(options: CookieSessionsOptions) {
    this.#options = options;
  }

  async create(
    provider: string,
    tokens: TokenSet & { claims: JwtClaims; idToken: string },
    userinfo?: JwtClaims,
  ): Promise<string> {
    const data = dataOf(tokens, undefined, userinfo);
    const session: CookieSession = {
      provider,
      data: {
        ...data,
        accessToken: this.#options.keepAccessToken ? data.accessToken : '',
        refreshToken: undefined,
      },
      accessExpiresAt: tokens.expiresAt,
      expiresAt: Math.floor(this.#options.now() / 1000) + this.#options.maxAge,
    };
    return JSON.stringify(session);
  }

  async resolve(value: string): Promise<ActiveSession | undefined> {
    let session: CookieSession;
    try {
      session = JSON.parse(value) as CookieSession;
    } catch {
      return undefined;
    }
    const now = Math.floor(this.#options.now() / 1000);
    if (typeof session.expiresAt !== 'number' || now >= session.expiresAt) return undefined;
    if (
      this.#options.keepAccessToken &&
      session.accessExpiresAt !== undefined &&
      now >= session.accessExpiresAt
    )
      return undefined;
    return { idHash: hashId(value), provider: session.provider, data: session.data };
  }

  /** Logout clears the cookie; there is nothing to delete here. */
  async end(): Promise<void> {}

  /** Back-channel logout cannot reach a session that lives only in a browser. */
  async endFor(): Promise<number> {
    return 0;
  }
}
