/**
 * The provider's storage contracts: one narrow interface per aggregate (DESIGN rule 5).
 * One Kysely implementation serves SQLite and PostgreSQL; one contract suite tests both.
 * Times are integer seconds since the epoch (the JWT NumericDate), produced by the injected clock.
 */
import type { Jwk, JwkSet, JwsAlgorithm } from '@latchkey/oidc';
import type { Page, PageQuery } from './lib/page.js';

export type { Page, PageQuery } from './lib/page.js';

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'workload_identity_jwt'
  | 'none';

export interface ClientRecord {
  readonly clientId: string;
  readonly name: string;
  /** `public` clients have no secret and authenticate with `none` (plus PKCE). */
  readonly type: 'confidential' | 'public';
  /** SHA-256 of the secret, base64url (DESIGN rule 6). `null` for public and private_key_jwt clients. */
  readonly secretHash: string | null;
  /** Compared by exact string match (RFC 9700 §4.1.3). */
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  readonly idTokenSignedResponseAlg: JwsAlgorithm;
  /** Registered keys for private_key_jwt: inline JWKS or a URI (never both). */
  readonly jwks: JwkSet | null;
  readonly jwksUri: string | null;
  /** RFC 8707 resource indicators this client may ask tokens for. */
  readonly allowedResources: readonly string[];
  readonly backchannelLogoutUri: string | null;
  /** A disabled client is unknown to every endpoint (invalid_client); the admin layer still sees it. */
  readonly disabled: boolean;
  /**
   * The secret a rotation replaced, still accepted until `expiresAt` (the overlap the operator chose,
   * so apps can be redeployed with the new one). Null when there is none.
   */
  readonly previousSecret: { readonly hash: string; readonly expiresAt: number } | null;
  /** RFC 9449 §5.2: every token request of this client must carry a DPoP proof. */
  readonly dpopBoundAccessTokens?: boolean;
  /** RFC 9126 §6: this client's authorization requests must come through the PAR endpoint. */
  readonly requirePushedAuthorizationRequests?: boolean;
  /**
   * Whether a second factor is required to sign in to this client; absent: the provider's default
   * (config `mfa.default`).
   */
  readonly mfa?: MfaPolicy;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Where the client came from when nobody registered it by hand (clients/client-sources.ts): its
   * Client ID Metadata Document, or dynamic registration. Absent for clients the operator registered.
   */
  readonly origin?: 'metadata-document' | 'dynamic';
}

/** Per client, and the provider's default: whether signing in needs a second factor. */
export type MfaPolicy = 'optional' | 'required';

export interface ClientStore {
  /** Throws StoreConflictError when the client id is taken. */
  create(client: ClientRecord): Promise<void>;
  get(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  /** A page of clients ordered by client id; `q` is a prefix of the name or of the client id. */
  page(query: PageQuery): Promise<Page<ClientRecord>>;
  /** How many clients there are (the console's overview). */
  count(): Promise<number>;
  /** Writes every field of the client with this id but `createdAt` and `type`. Returns whether it exists. */
  update(client: ClientRecord): Promise<boolean>;
  /** Returns whether a client was deleted. */
  delete(clientId: string): Promise<boolean>;
}

/** The OpenID Connect standard claims a user may carry (OIDC Core §5.1), besides `sub`. */
export interface UserProfileClaims {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: {
    formatted?: string;
    street_address?: string;
    locality?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
}

export interface UserRecord {
  /** The stable, opaque subject identifier (`sub`): random, never reused, never the username. */
  readonly id: string;
  /** Unique, compared case-insensitively (stored lower-cased). */
  readonly username: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly profile: UserProfileClaims;
  /** argon2id PHC string, or null for a user who cannot sign in with a password. */
  readonly passwordHash: string | null;
  readonly passwordChangedAt: number | null;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface UserStore {
  /** Throws StoreConflictError when the username (or id) is taken. */
  create(user: UserRecord): Promise<void>;
  getById(id: string): Promise<UserRecord | undefined>;
  /**
   * The user with this id (erased ones too, as getById) and whether they are in `group`, in one
   * statement: the console asks both on every page.
   */
  getByIdInGroup(
    id: string,
    group: string,
  ): Promise<{ readonly user: UserRecord; readonly member: boolean } | undefined>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** A page of live users ordered by username; `q` is a prefix of the username or of the email. */
  page(query: PageQuery & { readonly disabled?: boolean }): Promise<Page<UserRecord>>;
  /** How many live (not erased) users there are, and how many of them are disabled (the overview). */
  count(): Promise<{ readonly users: number; readonly disabled: number }>;
  /** Returns whether a user was found. */
  setDisabled(id: string, disabled: boolean, at: number): Promise<boolean>;
  /** Returns whether a user was found. Sets passwordChangedAt = at. */
  setPasswordHash(id: string, passwordHash: string, at: number): Promise<boolean>;
  /** Writes email, emailVerified, profile and updatedAt of a live user. Returns whether it exists. */
  updateProfile(user: UserRecord): Promise<boolean>;
  /**
   * Erases a user's personal data: the row becomes a disabled tombstone holding only the random `id`
   * (never reassigned, OIDC Core §2), absent from list() and getByUsername(). Returns whether a live
   * user was erased.
   */
  erase(id: string, at: number): Promise<boolean>;
  /** The users (at most 10) whose email is this address, compared case-insensitively, oldest first. */
  listByEmail(email: string): Promise<UserRecord[]>;
  /** Marks the address verified if it is still the user's address; whether it was. */
  markEmailVerified(id: string, email: string, at: number): Promise<boolean>;
}

/** A named set of users, released as the `groups` claim (an array of names) under the `groups` scope. */
export interface GroupRecord {
  readonly name: string;
  readonly createdAt: number;
}

export interface GroupStore {
  /** Throws StoreConflictError (field `name`) when the name is taken. */
  create(group: GroupRecord): Promise<void>;
  get(name: string): Promise<GroupRecord | undefined>;
  /** Every group ordered by name, with how many members it has. */
  list(): Promise<(GroupRecord & { readonly memberCount: number })[]>;
  /** Deletes the group and its memberships; returns whether it existed. */
  delete(name: string): Promise<boolean>;
  /** Returns false when the user was already a member. */
  addMember(name: string, userId: string, at: number): Promise<boolean>;
  /** Returns whether the user was a member. */
  removeMember(name: string, userId: string): Promise<boolean>;
  /** User ids of the members, in the order they were added. */
  members(name: string): Promise<string[]>;
  /**
   * The usernames of the members of one group (`name`) or of every group, by group name, in one
   * statement (a page listing groups with their members read each member's user on its own before).
   * Groups without members are absent; the usernames are in no particular order.
   */
  memberUsernames(name?: string): Promise<Map<string, string[]>>;
  /** Names of the groups a user is in, ordered by name. */
  groupsOf(userId: string): Promise<string[]>;
  /** Removes a user from every group (user erasure); returns how many memberships went. */
  removeUserEverywhere(userId: string): Promise<number>;
}

/** DESIGN "Keys and rotation": next → current → retired → removed. */
export type SigningKeyState = 'next' | 'current' | 'retired' | 'removed';

export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  readonly state: SigningKeyState;
  /** Public members only; what the JWKS publishes. */
  readonly publicJwk: Jwk;
  /** The private JWK, AES-256-GCM encrypted under LATCHKEY_SECRET (opaque to the store). */
  readonly encryptedPrivateKey: string;
  readonly createdAt: number;
  /** When it became `current` (signing). */
  readonly activatedAt: number | null;
  /** When it became `retired` (stopped signing). */
  readonly retiredAt: number | null;
}

/**
 * One atomic change to the key set, computed by the key manager and applied in one transaction.
 * Every transition names the state it expects: if any row is no longer in that state (another
 * instance got there first), nothing is applied and `applyChange` returns false.
 */
export interface KeySetChange {
  readonly insert?: readonly SigningKeyRecord[];
  readonly transitions?: readonly { kid: string; from: SigningKeyState; to: SigningKeyState }[];
  readonly at: number;
}

export interface SigningKeyStore {
  /** Every key not yet `removed`, oldest first. */
  list(): Promise<SigningKeyRecord[]>;
  applyChange(change: KeySetChange): Promise<boolean>;
}

/**
 * A named lease row (portable SQL, no advisory locks): in a cluster exactly one instance holds
 * it at a time and does the scheduled work (key rotation).
 */
export interface LeaseStore {
  /** Takes the lease if free or expired, or renews it if `holder` has it. True when `holder` holds it until now + ttl. */
  tryAcquire(name: string, holder: string, now: number, ttlSeconds: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

/**
 * A signed-in browser at the provider (OIDC Core §3.1.2.3). The cookie carries a random session id;
 * the store keeps only its SHA-256 (a stolen database does not hand out sessions). `sid` is the public
 * session identifier put in ID tokens and logout tokens (Back-Channel Logout §2.1), distinct from the cookie.
 */
export interface SessionRecord {
  /** SHA-256 of the cookie's session id, base64url. */
  readonly idHash: string;
  readonly sid: string;
  readonly userId: string;
  /** When the user last actively authenticated (the `auth_time` claim). */
  readonly authTime: number;
  /** Authentication methods references (RFC 8176), e.g. ['pwd']. */
  readonly amr: readonly string[];
  readonly acr: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end; the session is unusable at or after it. */
  readonly expiresAt: number;
  readonly endedAt: number | null;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** The live session (not ended, not expired at `now`) with this cookie-id hash. */
  get(idHash: string, now: number): Promise<SessionRecord | undefined>;
  getBySid(sid: string): Promise<SessionRecord | undefined>;
  /** Sliding activity; returns whether a live session was updated. */
  touch(idHash: string, at: number): Promise<boolean>;
  /** Ends one session (logout). Returns the ended session, if it was live. */
  end(idHash: string, at: number): Promise<SessionRecord | undefined>;
  /** Ends every session of a user (password change, disable). Returns how many. */
  endAllForUser(userId: string, at: number): Promise<number>;
  /** The user's live sessions (not ended, not expired at `now`), most recently used first (account page). */
  listLiveByUser(userId: string, now: number): Promise<SessionRecord[]>;
}

/** What a user has agreed a client may have (OIDC Core §3.1.2.4). */
export interface ConsentRecord {
  readonly userId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Claims consented to by name (the `claims` parameter), beyond those the scopes release. */
  readonly claims: readonly string[];
  readonly grantedAt: number;
}

export interface ConsentStore {
  get(userId: string, clientId: string): Promise<ConsentRecord | undefined>;
  /** Adds `scopes` and `claims` to what was already granted (union each) and sets grantedAt. */
  grant(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    at: number,
    claims?: readonly string[],
  ): Promise<void>;
  revoke(userId: string, clientId: string): Promise<boolean>;
  /** Deletes every consent of a user (user erasure); returns how many. */
  revokeAllForUser(userId: string): Promise<number>;
  /** Every consent of a user, most recent first (the account page's connected applications). */
  listByUser(userId: string): Promise<ConsentRecord[]>;
}

/**
 * A grant: one authorization a user gave one client (or a client's own, for client_credentials),
 * from which tokens are issued. Revoking it revokes everything issued under it: the code-replay rule
 * (RFC 6749 §4.1.2) and refresh-token families (RFC 9700 §4.14.2) both act here.
 */
export interface GrantRecord {
  readonly id: string;
  readonly clientId: string;
  /** null for a client's own grant (client_credentials). */
  readonly userId: string | null;
  readonly scopes: readonly string[];
  /** The RFC 8707 resources authorized: the audiences its access tokens may name besides UserInfo. */
  readonly resources: readonly string[];
  /** The provider session it came from, for `sid` and logout. */
  readonly sid: string | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface GrantStore {
  create(grant: GrantRecord): Promise<void>;
  get(id: string): Promise<GrantRecord | undefined>;
  /** Returns whether a live grant was revoked (false if already revoked or unknown). */
  revoke(id: string, at: number): Promise<boolean>;
  /** Revokes every live grant of a session (logout) or a user (password change). Returns how many. */
  revokeBySid(sid: string, at: number): Promise<number>;
  revokeByUser(userId: string, at: number): Promise<number>;
  /** Revokes every live grant a user gave one client (the account page disconnecting an application). */
  revokeByUserAndClient(userId: string, clientId: string, at: number): Promise<number>;
  /**
   * Every grant made in a session, revoked ones too, oldest first: the clients that got tokens in it,
   * which logout tells through the back channel (Back-Channel Logout §2.3).
   */
  listBySid(sid: string): Promise<GrantRecord[]>;
  /**
   * A user's live (unrevoked) grants, most recently used first, each with its last use: the later of
   * its creation and its newest refresh token (a rotation makes one), read in one query.
   */
  listLiveByUser(userId: string): Promise<LiveGrant[]>;
}

export interface LiveGrant extends GrantRecord {
  readonly lastUsedAt: number;
}

/** An authorization code (RFC 6749 §4.1.2), stored as the SHA-256 of the code (DESIGN rule 6). */
export interface AuthorizationCodeRecord {
  readonly codeHash: string;
  /** The grant the code's tokens are issued under (revoked on replay). */
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  /** Exactly the redirect_uri of the authorization request (RFC 6749 §4.1.3). */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly nonce: string | null;
  /** PKCE (RFC 7636): S256 only. */
  readonly codeChallenge: string | null;
  /** RFC 9449 §10 `dpop_jkt`: the key the token request must prove; null or absent: unbound. */
  readonly dpopJkt?: string | null | undefined;
  readonly sid: string;
  readonly authTime: number;
  readonly acr: string | null;
  readonly amr: readonly string[];
  /** The `claims` request parameter (OIDC Core §5.5), as JSON, or null. */
  readonly claimsRequest: string | null;
  /** RFC 8707 resource indicators asked for at the authorization endpoint. */
  readonly resources: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

export type ConsumeCodeResult =
  | { readonly status: 'consumed'; readonly code: AuthorizationCodeRecord }
  /** It was redeemed before: the caller must fail with invalid_grant and revoke code.grantId (A1). */
  | { readonly status: 'replayed'; readonly code: AuthorizationCodeRecord }
  | { readonly status: 'not_found' };

export interface AuthorizationCodeStore {
  create(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * Atomically marks the code consumed (`UPDATE … WHERE code_hash = ? AND consumed_at IS NULL`, row
   * count checked — DESIGN rule 7), so of two concurrent redemptions exactly one gets 'consumed'.
   * Expiry is the caller's check (the record is returned either way).
   */
  consume(codeHash: string, at: number): Promise<ConsumeCodeResult>;
  /** The code as stored (consumed or not), or undefined. */
  get(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /**
   * `get` with its grant's id and revocation time, in one store query (the exchange checks the grant
   * before it consumes the code); `grant` is undefined when the grant is gone.
   */
  getWithGrant(codeHash: string): Promise<
    | {
        readonly code: AuthorizationCodeRecord;
        readonly grant: Pick<GrantRecord, 'id' | 'revokedAt'> | undefined;
      }
    | undefined
  >;
  /** Deletes codes that expired before `before` (housekeeping). Returns how many. */
  /** Deletes at most `limit` expired rows (every one when undefined); returns how many. */
  deleteExpired(before: number, limit?: number): Promise<number>;
}

/** A security event for the audit log. Never carries a secret, token, code or password. */
export interface AuditEvent {
  readonly type: string;
  readonly at: number;
  readonly userId?: string | null;
  readonly clientId?: string | null;
  readonly ip?: string | null;
  /** Small JSON-serialisable details (reasons, scopes, kids). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditStore {
  append(event: AuditEvent): Promise<void>;
  /**
   * Newest first; `userId` keeps the events of one account (its own security events). `before` is the
   * (at, id) of the last event of the previous page (exclusive); `since`/`until` bound `at` (inclusive).
   */
  list(options: {
    limit: number;
    type?: string;
    /** Event types starting with this (`sign_in.`, `admin.`). */
    typePrefix?: string;
    userId?: string;
    clientId?: string;
    since?: number;
    until?: number;
    before?: { readonly at: number; readonly id: number };
  }): Promise<(AuditEvent & { readonly id: number })[]>;
  /** Events of `type` at or after `since`, counted up to `cap` (1 to 1000): a flood costs no more. */
  countSince(type: string, since: number, cap: number): Promise<number>;
  /** Deletes at most `limit` events older than `before` (seconds); how many it deleted. */
  deleteBefore(before: number, limit: number): Promise<number>;
}

/** Everything the provider persists, as one object handed to constructors. */
export interface ProviderStores {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly signingKeys: SigningKeyStore;
  readonly leases: LeaseStore;
  readonly sessions: SessionStore;
  readonly consents: ConsentStore;
  readonly grants: GrantStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly audit: AuditStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly replayCache: ReplayCache;
  readonly throttles: ThrottleStore;
  readonly emailLinks: EmailLinkStore;
  readonly requestRates: RequestRateStore;
  readonly groups: GroupStore;
  readonly clientRegistrations: ClientRegistrationStore;
  readonly initialAccessTokens: InitialAccessTokenStore;
  readonly pushedRequests: PushedRequestStore;
  readonly identities: IdentityStore;
  readonly factors: FactorStore;
  readonly settings: RuntimeSettingStore;
  /** Cheap round trip to the database, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A pushed authorization request (RFC 9126 §2), stored under the SHA-256 of its `request_uri`. */
export interface PushedRequestRecord {
  readonly requestUriHash: string;
  readonly clientId: string;
  /** The pushed parameters, in order, repeated names kept. */
  readonly params: readonly (readonly [string, string])[];
  readonly expiresAt: number;
}

export interface PushedRequestStore {
  create(request: PushedRequestRecord): Promise<void>;
  /**
   * Takes the request for use, once (RFC 9126 §4: "one-time use"): of concurrent calls for one hash at
   * most one gets the record. Undefined when unknown, already used, or expired at `at`.
   */
  consume(requestUriHash: string, at: number): Promise<PushedRequestRecord | undefined>;
  deleteExpired(before: number): Promise<number>;
}

/** A unique constraint was violated (duplicate client id, username, …). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly entity: string,
    readonly field: string,
  ) {
    super(`${entity} with this ${field} already exists`);
  }
}

// --- Token lifecycle (refresh tokens, device codes, replay cache) ---

/**
 * A refresh token (opaque, ≥ 256 bits), stored as its SHA-256. Every rotation makes a new token in the
 * same grant; the grant is the family (RFC 9700 §4.14.2): reuse of a rotated token revokes the grant,
 * and with it every token issued under it.
 */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string | null;
  /** The scopes this token may refresh (may be narrower than the grant's, never wider). */
  readonly scopes: readonly string[];
  readonly createdAt: number;
  /** Idle lifetime end: unused until then, it expires. */
  readonly idleExpiresAt: number;
  /** Absolute lifetime end of the family (carried over unchanged by rotation). */
  readonly absoluteExpiresAt: number;
  /** Set when it was exchanged for a successor. */
  readonly rotatedAt: number | null;
  /** RFC 9449 §5: a public client's refresh token is usable only with a proof by this key. */
  readonly dpopJkt?: string | null;
}

export type RotateRefreshTokenResult =
  | { readonly status: 'rotated'; readonly token: RefreshTokenRecord }
  /** Already rotated: theft or a race lost. The caller fails with invalid_grant and revokes the grant (R1). */
  | { readonly status: 'reused'; readonly token: RefreshTokenRecord }
  | { readonly status: 'not_found' };

export interface RefreshTokenStore {
  create(token: RefreshTokenRecord): Promise<void>;
  /**
   * Atomically marks the token rotated (`UPDATE … WHERE token_hash = ? AND rotated_at IS NULL`, row count
   * checked — DESIGN rule 7) and, in the same transaction, inserts `successor` when given; of two
   * concurrent rotations exactly one gets 'rotated'. Expiry and grant revocation are the caller's checks.
   * A successor of another grant or client, or outliving the family, is a TypeError and rotates nothing.
   * `event` is appended to the audit log in that transaction only when this call rotated the token.
   */
  rotate(
    tokenHash: string,
    at: number,
    successor?: RefreshTokenRecord,
    event?: AuditEvent,
  ): Promise<RotateRefreshTokenResult>;
  get(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * The token and its grant (the family) in one query: the refresh grant needs both on every request.
   * `grant` is undefined when no grant has the token's grant id.
   */
  getWithGrant(
    tokenHash: string,
  ): Promise<{ token: RefreshTokenRecord; grant: GrantRecord | undefined } | undefined>;
  /** Deletes tokens whose family ended (absoluteExpiresAt) before `before`: rotated ones stay until then (R1). */
  /** Deletes at most `limit` expired rows (every one when undefined); returns how many. */
  deleteExpired(before: number, limit?: number): Promise<number>;
}

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A device authorization (RFC 8628 §3.2): the device code stored as its SHA-256, the user code as typed. */
export interface DeviceCodeRecord {
  readonly deviceCodeHash: string;
  /** Normalized (upper case, no separators), unique among live codes. */
  readonly userCode: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly status: DeviceCodeStatus;
  /** Polling interval in seconds (RFC 8628 §3.5); raised on slow_down. */
  readonly interval: number;
  readonly lastPolledAt: number | null;
  /** Set on approval. */
  readonly userId: string | null;
  readonly grantId: string | null;
  readonly sid: string | null;
  readonly authTime: number | null;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface DeviceCodeStore {
  /**
   * Throws StoreConflictError (field `user_code`) when a live code holds the user code: generate another.
   * A code expired at `code.createdAt` gives its user code up.
   */
  create(code: DeviceCodeRecord): Promise<void>;
  /** The live (pending, unexpired at `now`) code with this user code. */
  getPendingByUserCode(userCode: string, now: number): Promise<DeviceCodeRecord | undefined>;
  /** pending → approved, recording who approved and the grant; false if no longer pending or expired at `at`. */
  approve(
    userCode: string,
    approval: { userId: string; grantId: string; sid: string | null; authTime: number },
    at: number,
  ): Promise<boolean>;
  /** pending → denied; false if no longer pending or expired at `at`. */
  deny(userCode: string, at: number): Promise<boolean>;
  /**
   * Records a poll: sets lastPolledAt = at (and interval when given) and returns the record as it was
   * BEFORE this poll (so the caller can apply slow_down), or undefined when unknown.
   */
  poll(deviceCodeHash: string, at: number, interval?: number): Promise<DeviceCodeRecord | undefined>;
  /** approved → consumed, atomically; true for exactly one caller; false once expired at `at`. */
  consume(deviceCodeHash: string, at: number): Promise<boolean>;
  /** Deletes at most `limit` expired rows (every one when undefined); returns how many. */
  deleteExpired(before: number, limit?: number): Promise<number>;
}

/** A backoff rule (checklist S1), applied by the store inside the statement that reserves an attempt. */
export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  readonly freeFailures: number;
  /** The first wait, seconds; doubles with each further failure. */
  readonly baseDelay: number;
  /** The longest wait, seconds. */
  readonly maxDelay: number;
  /** Failures are forgotten after this many quiet seconds. */
  readonly forgetAfter: number;
}

export interface ThrottleState {
  /** Failures, counting attempts reserved and not yet settled. */
  readonly failures: number;
  readonly lastFailureAt: number;
  /** Attempts refused since the count last started over. */
  readonly refused: number;
}

/** Failure counts of throttled keys (checklist S1, L1), shared by every instance on the database. */
export interface ThrottleStore {
  get(keyHash: string): Promise<ThrottleState | undefined>;
  /**
   * L1: reserves one attempt at `at` in one atomic statement, counted as a failure at once so that
   * attempts in flight at the same moment see each other. False (and nothing counted) when `policy`
   * makes the key wait; a count whose last failure is `policy.forgetAfter` old starts over.
   */
  reserve(keyHash: string, at: number, policy: ThrottlePolicy): Promise<boolean>;
  /** Counts an attempt refused while throttled; the state after it, or undefined when the key has no row. */
  refuse(keyHash: string): Promise<ThrottleState | undefined>;
  /** Gives one reserved attempt back: it did not fail. */
  release(keyHash: string): Promise<void>;
  clear(keyHash: string): Promise<void>;
  /** Deletes at most `limit` keys whose last failure is before `before`; returns how many. */
  deleteIdleSince(before: number, limit?: number): Promise<number>;
}

/**
 * Request-rate limits (checklist L3): the generic cell rate algorithm, one row per key, shared by every
 * instance on the database.
 */
export interface RequestRateStore {
  /**
   * Takes one request for `keyHash` at `atMs` in one atomic statement when the key's rate allows it:
   * `limit` requests at once, then one each `intervalMs` (limit × intervalMs is the window). Returns
   * 0 when taken, else the milliseconds until one would be.
   */
  take(
    keyHash: string,
    atMs: number,
    rate: { readonly limit: number; readonly intervalMs: number },
  ): Promise<number>;
  /** Deletes at most `limit` keys whose rate has fully recovered by `beforeMs`; returns how many. */
  deleteIdleSince(beforeMs: number, limit?: number): Promise<number>;
}

/** A dynamically registered client (RFC 7591) and what RFC 7592 management needs. */
export interface RegistrationRecord {
  readonly client: ClientRecord;
  /** SHA-256 of the registration access token (DESIGN rule 6). */
  readonly registrationTokenHash: string;
  readonly createdAt: number;
}

/**
 * Dynamically registered clients (RFC 7591, RFC 7592): the client row and its registration row are
 * written together, so there is never a registered client without its access token, nor the reverse.
 */
export interface ClientRegistrationStore {
  /** Inserts the client and its registration in one transaction. */
  create(registration: RegistrationRecord): Promise<void>;
  /** The registration of a dynamically registered client; undefined for any other client id. */
  get(clientId: string): Promise<RegistrationRecord | undefined>;
  /** RFC 7592 §2.2: replaces the client's metadata; false when it is not a registered client (any more). */
  replaceClient(client: ClientRecord): Promise<boolean>;
  /** RFC 7592 §2.3: deletes the client and its registration; false when there was none. */
  delete(clientId: string): Promise<boolean>;
  /**
   * Deletes the dynamically registered clients registered before `before` that have had no grant and
   * no refresh token since (unused clients expire, checklist L3); returns how many.
   */
  deleteUnusedSince(before: number): Promise<number>;
}

/** Initial access tokens (RFC 7591 §3): handed out by an operator, each good for one registration. */
export interface InitialAccessTokenStore {
  create(tokenHash: string, createdAt: number, expiresAt: number): Promise<void>;
  /** Marks the token used, atomically: true for exactly one caller, and only before it expires. */
  consume(tokenHash: string, at: number): Promise<boolean>;
  deleteExpired(before: number): Promise<number>;
}

/**
 * Single-use values seen before (private_key_jwt `jti`, RFC 7523 §3 / checklist C3), kept until they
 * expire.
 */
export interface ReplayCache {
  /**
   * True the first time `key` is seen (it is kept until expiresAt); false for a replay. Atomic. A key whose
   * expiresAt is at or before `at` has expired and is remembered afresh.
   */
  remember(key: string, expiresAt: number, at: number): Promise<boolean>;
  /** Deletes at most `limit` expired rows (every one when undefined); returns how many. */
  deleteExpired(before: number, limit?: number): Promise<number>;
}

/** What an emailed link lets its holder do, once. */
export type EmailLinkPurpose = 'verify-email' | 'reset-password';

/**
 * A link sent by email (checklist F5): 256 random bits in the URL, only its SHA-256 stored; bound to
 * one account and one address; short-lived; consumed at most once.
 */
export interface EmailLinkRecord {
  readonly tokenHash: string;
  readonly purpose: EmailLinkPurpose;
  readonly userId: string;
  readonly email: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

export interface EmailLinkStore {
  create(link: EmailLinkRecord): Promise<void>;
  /** The link if it is live (unconsumed, unexpired at `now`) and of this purpose; nothing is changed. */
  peek(tokenHash: string, purpose: EmailLinkPurpose, now: number): Promise<EmailLinkRecord | undefined>;
  /**
   * Consumes a live link of this purpose with one guarded UPDATE (DESIGN rule 7): of any number of
   * concurrent uses exactly one gets the record back.
   */
  consume(tokenHash: string, purpose: EmailLinkPurpose, at: number): Promise<EmailLinkRecord | undefined>;
  /** Ends every live link of a user and purpose (a newer link, or a reset, makes older ones useless). */
  consumeAllForUser(userId: string, purpose: EmailLinkPurpose, at: number): Promise<number>;
  /** Housekeeping: deletes at most `limit` links that expired before `before`; how many. */
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** Who someone is at another provider: the key of an identity (never an email: nOAuth, X2). */
export interface UpstreamSubject {
  /** The connector's configured id (each upstream has its own). */
  readonly connectorId: string;
  /** The upstream's issuer (OIDC `iss`, or the connector's fixed name for OAuth 2.0 and LDAP). */
  readonly issuer: string;
  /** The upstream's stable subject (OIDC `sub`, a user API's numeric id, an LDAP entry's DN or uid). */
  readonly subject: string;
}

export interface IdentityRecord extends UpstreamSubject {
  readonly userId: string;
  /** The address the upstream last reported, for the account page only; never used to find a user. */
  readonly email: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number;
}

export interface IdentityStore {
  /** Throws StoreConflictError when the (connector, issuer, subject) is linked already, to anyone. */
  link(identity: IdentityRecord): Promise<void>;
  find(key: UpstreamSubject): Promise<IdentityRecord | undefined>;
  /** A user's identities, oldest first. */
  listByUser(userId: string): Promise<IdentityRecord[]>;
  /** Records a sign-in through the identity (and the address now reported); whether it exists. */
  recordUse(key: UpstreamSubject, at: number, email: string | null): Promise<boolean>;
  /** Removes the identity if it is this user's; whether it was. */
  unlink(userId: string, key: UpstreamSubject): Promise<boolean>;
  /** How many identities each connector id has linked (ids with none are absent), for the console. */
  countByConnector(): Promise<ReadonlyMap<string, number>>;
}

// --- Second factors (issue 16) ---

/** A user's authenticator app (RFC 6238). */
export interface TotpFactorRecord {
  readonly userId: string;
  /** The base32 seed, sealed (never stored in clear: F3). */
  readonly sealedSeed: string;
  readonly createdAt: number;
  /** Null while the enrolment waits for its first code. */
  readonly confirmedAt: number | null;
  /** The time step of the last accepted code (F1). */
  readonly lastStep: number | null;
}

export interface RecoveryCodeSummary {
  readonly remaining: number;
  readonly used: number;
  /** When the last one was used, if any: the account page tells the user. */
  readonly lastUsedAt: number | null;
}

/** A WebAuthn credential (a passkey or security key) of a user. */
export interface PasskeyRecord {
  /** base64url. */
  readonly credentialId: string;
  readonly userId: string;
  /** The owner's name for it ("Laptop"). */
  readonly name: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  /** The signature counter last seen (WebAuthn L3 §6.1.1); 0 for authenticators that keep none. */
  readonly counter: number;
  readonly transports: readonly string[];
  /** Synced (a multi-device passkey) rather than bound to one device (WebAuthn L3 §6.1.3 BS flag). */
  readonly backedUp: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** The second factors of users: TOTP, recovery codes and passkeys. */
export interface FactorStore {
  getTotp(userId: string): Promise<TotpFactorRecord | undefined>;
  /** Starts (or restarts) an enrolment: an unconfirmed seed replaces an unconfirmed one; never a confirmed one. Whether it was stored. */
  beginTotp(userId: string, sealedSeed: string, at: number): Promise<boolean>;
  /**
   * Confirms the pending enrolment with the step of its first code, and stores the recovery codes'
   * hashes in place of any earlier ones, in one transaction. Whether this call confirmed it (one of two
   * racing confirmations wins).
   */
  confirmTotp(
    userId: string,
    step: number,
    recoveryCodeHashes: readonly string[],
    at: number,
  ): Promise<boolean>;
  /**
   * Records `step` as used, only if it is later than the last used one (one guarded UPDATE: of two
   * parallel uses of one code exactly one wins, F1). Whether it was recorded.
   */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Marks an unused recovery code of this user used (guarded UPDATE, F3). Whether this call used it. */
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  recoveryCodes(userId: string): Promise<RecoveryCodeSummary>;
  /** Throws StoreConflictError when the credential id is registered already. */
  addPasskey(passkey: PasskeyRecord): Promise<void>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  getPasskey(credentialId: string): Promise<PasskeyRecord | undefined>;
  /**
   * Records a use with the authenticator's new counter, only if the counter moved forward (or both are
   * 0: an authenticator without a counter). One guarded UPDATE, so a cloned key racing the original
   * cannot both pass (F2). Whether it was recorded.
   */
  usePasskey(credentialId: string, counter: number, at: number): Promise<boolean>;
  /** Whether the user's passkey was removed. */
  deletePasskey(userId: string, credentialId: string): Promise<boolean>;
  /** Deletes every factor of the user (admin reset, erasure). Whether there was any. */
  deleteAll(userId: string): Promise<boolean>;
}

/** One overridden runtime setting (issue 15): the value wins over the configured one. */
export interface RuntimeSettingOverride {
  /** The dotted config path, e.g. `tokens.accessTokenLifetime`. */
  readonly name: string;
  /** In the config object's form (seconds for a duration); JSON-serialisable. */
  readonly value: unknown;
  readonly updatedAt: number;
  /** Who changed it (the admin actor: `cli`, `admin-api`, `console` and an id). */
  readonly actor: { readonly type: string; readonly id: string };
}

/** The overrides as one versioned whole: every change bumps `revision`. */
export interface RuntimeSettingsState {
  readonly revision: number;
  readonly overrides: readonly RuntimeSettingOverride[];
}

export interface RuntimeSettingStore {
  /** The current revision alone: what every instance asks every few seconds. */
  revision(): Promise<number>;
  read(): Promise<RuntimeSettingsState>;
  /**
   * Sets and removes overrides in one transaction if the revision is still `expected`, and bumps it.
   * Of concurrent changes made against one revision, exactly one applies; the others get undefined
   * and change nothing. Returns the new revision.
   */
  change(
    expected: number,
    change: { readonly set: readonly RuntimeSettingOverride[]; readonly remove: readonly string[] },
  ): Promise<number | undefined>;
}
