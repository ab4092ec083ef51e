import type { JwtClaims, OidcClient, TokenSet } from '@latchkey/oidc';
import { randomToken } from '@latchkey/oidc';
import { hashId, Sealer } from './seal.js';
import type { SessionStore } from './store.js';

/** What a session holds, sealed at rest (DESIGN rule 6) under the session id's hash. */
export interface SessionData {
  readonly claims: JwtClaims;
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly scope: string | undefined;
  /** User claims only UserInfo gave at sign-in (OIDC Core §5.4); the ID token's claims win over them. */
  readonly userinfo?: JwtClaims | undefined;
}

export interface ActiveSession {
  readonly idHash: string;
  readonly provider: string;
  readonly data: SessionData;
}

/**
 * What sign-in, the decider and logout need of sessions, whichever way they are kept: server-side
 * (SessionManager) or wholly in the cookie (CookieSessions). `create` returns the value to seal into
 * the session cookie; `resolve` takes it back.
 */
export interface Sessions {
  create(
    provider: string,
    tokens: TokenSet & { claims: JwtClaims; idToken: string },
    userinfo?: JwtClaims,
  ): Promise<string>;
  resolve(value: string): Promise<ActiveSession | undefined>;
  end(idHash: string): Promise<void>;
  endFor(provider: string, match: { sid?: string | undefined; sub?: string | undefined }): Promise<number>;
}

export interface SessionManagerOptions {
  readonly store: SessionStore;
  readonly secret: Buffer;
  /** Absolute lifetime, seconds. */
  readonly maxAge: number;
  /** Refresh this many seconds before the access token expires. */
  readonly refreshBefore: number;
  readonly now: () => number;
  readonly clientFor: (provider: string) => OidcClient | undefined;
}

/**
 * Server-side sessions: the cookie carries only a random id (sealed); the store holds its SHA-256
 * hash and the sealed claims and tokens.
 * - `create` always makes a new id (checklist S3: no fixation; the caller ends any previous one).
 * - `resolve` refreshes the access token `refreshBefore` seconds ahead of expiry, once at a time per
 *   session in this process. Without a refresh token, or when refreshing fails, the session ends when
 *   its access token expires: the provider's token lifetime bounds how long a revoked user keeps access.
 */
export class SessionManager implements Sessions {
  readonly #options: SessionManagerOptions;
  readonly #sealer: Sealer;
  readonly #refreshing = new Map<string, Promise<ActiveSession | undefined>>();

  constructor(options: SessionManagerOptions) {
    this.#options = options;
    this.#sealer = new Sealer(options.secret, 'session data');
  }

  #seconds(): number {
    return Math.floor(this.#options.now() / 1000);
  }

  /** Stores a new session for a completed login and returns its id (for the cookie). */
  async create(
    provider: string,
    tokens: TokenSet & { claims: JwtClaims; idToken: string },
    userinfo?: JwtClaims,
  ): Promise<string> {
    const id = randomToken();
    const idHash = hashId(id);
    const now = this.#seconds();
    await this.#options.store.createSession({
      idHash,
      provider,
      subject: String(tokens.claims.sub),
      sid: typeof tokens.claims.sid === 'string' ? tokens.claims.sid : undefined,
      data: this.#seal(idHash, dataOf(tokens, undefined, userinfo)),
      accessExpiresAt: tokens.expiresAt,
      createdAt: now,
      expiresAt: now + this.#options.maxAge,
    });
    return id;
  }

  /** The live session for a cookie's id, refreshed when due; undefined when unknown, expired or ended. */
  async resolve(id: string): Promise<ActiveSession | undefined> {
    const idHash = hashId(id);
    const now = this.#seconds();
    const row = await this.#options.store.findSession(idHash, now);
    if (row === undefined) return undefined;
    const opened = this.#sealer.open(row.data, idHash);
    if (opened === undefined) return undefined;
    const session: ActiveSession = {
      idHash,
      provider: row.provider,
      data: JSON.parse(opened) as SessionData,
    };
    if (row.accessExpiresAt === undefined || now < row.accessExpiresAt - this.#options.refreshBefore)
      return session;
    let pending = this.#refreshing.get(idHash);
    if (pending === undefined) {
      pending = this.#refresh(session, row.accessExpiresAt, now).finally(() =>
        this.#refreshing.delete(idHash),
      );
      this.#refreshing.set(idHash, pending);
    }
    return pending;
  }

  async #refresh(
    session: ActiveSession,
    accessExpiresAt: number,
    now: number,
  ): Promise<ActiveSession | undefined> {
    const client = this.#options.clientFor(session.provider);
    const refreshToken = session.data.refreshToken;
    if (client !== undefined && refreshToken !== undefined) {
      try {
        const tokens = await client.refresh(refreshToken, String(session.data.claims.sub));
        const data = dataOf(tokens, session.data);
        await this.#options.store.updateSession(session.idHash, {
          data: this.#seal(session.idHash, data),
          accessExpiresAt: tokens.expiresAt,
        });
        return { ...session, data };
      } catch {
        // Fall through: the refresh token is spent or refused; the session cannot be kept alive.
      }
    }
    if (now < accessExpiresAt) return session;
    await this.#options.store.deleteSession(session.idHash);
    return undefined;
  }

  async end(idHash: string): Promise<void> {
    await this.#options.store.deleteSession(idHash);
  }

  endFor(provider: string, match: { sid?: string | undefined; sub?: string | undefined }): Promise<number> {
    return this.#options.store.deleteSessionsFor(provider, match);
  }

  #seal(idHash: string, data: SessionData): string {
    return this.#sealer.seal(JSON.stringify(data), idHash);
  }
}

export function dataOf(
  tokens: TokenSet,
  previous: SessionData | undefined,
  userinfo?: JwtClaims,
): SessionData {
  return {
    // OIDC Core §12.2: a refresh may or may not return a new ID token; the claims stay until one does.
    claims: tokens.claims ?? previous?.claims ?? {},
    idToken: tokens.idToken ?? previous?.idToken ?? '',
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    scope: tokens.scope ?? previous?.scope,
    // A refreshed ID token states what it states; the sign-in's UserInfo claims fill in the rest.
    userinfo: userinfo ?? previous?.userinfo,
  };
}
