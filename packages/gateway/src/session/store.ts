/**
 * The gateway's storage, declared by the gateway (DESIGN rule 5): sessions and pending logins.
 * Ids are stored hashed and `data` is sealed by the caller; the store never sees a token in clear.
 * Times are epoch seconds.
 */
export interface SessionRow {
  readonly idHash: string;
  readonly provider: string;
  readonly subject: string;
  readonly sid: string | undefined;
  /** Sealed JSON (claims and tokens). */
  readonly data: string;
  readonly accessExpiresAt: number | undefined;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface LoginRow {
  readonly stateHash: string;
  /** Sealed JSON (browser binding, nonce, PKCE verifier, return URL, provider). */
  readonly data: string;
  readonly expiresAt: number;
}

export interface SessionStore {
  createSession(row: SessionRow): Promise<void>;
  /** The session, unless it is unknown or expired at `now`. */
  findSession(idHash: string, now: number): Promise<SessionRow | undefined>;
  updateSession(idHash: string, change: { data: string; accessExpiresAt: number | undefined }): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends the provider's sessions with this `sid`, or else this `sub` (OIDC Back-Channel Logout §2.7). Returns how many. */
  deleteSessionsFor(
    provider: string,
    match: { sid?: string | undefined; sub?: string | undefined },
  ): Promise<number>;
  createLogin(row: LoginRow): Promise<void>;
  /** Marks the login consumed and returns it — once: a second call, or after expiry, returns undefined (DESIGN rule 7). */
  consumeLogin(stateHash: string, now: number): Promise<LoginRow | undefined>;
  /**
   * The DPoP replay cache (RFC 9449 §11.1) shared by every gateway on this database: remembers `key`
   * until `expiresAt`; true for the first use of a key not live at `at`, false for a replay. Atomic:
   * of concurrent calls with one key, at most one gets true.
   */
  rememberProof(key: string, expiresAt: number, at: number): Promise<boolean>;
  /** Deletes expired sessions, logins and remembered proofs. */
  purgeExpired(now: number): Promise<void>;
}
