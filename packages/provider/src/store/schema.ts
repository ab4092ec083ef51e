import type { Generated } from '@latchkey/store';

/**
 * The provider's tables as the database holds them. Portable SQL (SQLite, PostgreSQL, CockroachDB):
 * text and bigint columns only; lists and objects as JSON text; booleans as integer 0/1 (SQLite has no
 * boolean type and better-sqlite3 cannot bind one, so 0/1 is the one encoding both dialects read back
 * identically); times as bigint epoch seconds (read as numbers: @latchkey/store parses int8).
 */

export interface ClientsTable {
  client_id: string;
  name: string;
  type: string;
  secret_hash: string | null;
  /** JSON array of strings. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  grant_types: string;
  scopes: string;
  token_endpoint_auth_method: string;
  id_token_signed_response_alg: string;
  /** JSON JWK Set, or null. */
  jwks: string | null;
  jwks_uri: string | null;
  allowed_resources: string;
  backchannel_logout_uri: string | null;
  created_at: number;
  updated_at: number;
  /** 0/1 (0007). */
  disabled: number;
  /** The secret replaced by the last rotation, SHA-256 base64url, valid until the time below (0007). */
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`, 0/1 (migration 0009). */
  dpop_bound_access_tokens: number;
  /** RFC 9126 §6 `require_pushed_authorization_requests`, 0/1 (migration 0009). */
  require_pushed_authorization_requests: number;
  /** `optional` | `required`; null: the provider's default (0015). */
  mfa: Generated<string | null>;
}

export interface UsersTable {
  id: string;
  /** Lower-cased; unique through the index on lower(username). */
  username: string;
  email: string | null;
  email_verified: number;
  /** JSON object of OIDC standard claims. */
  profile: string;
  password_hash: string | null;
  password_changed_at: number | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  /** Set when the user was erased: the row is a tombstone keeping the `sub` taken (0007). */
  deleted_at: Generated<number | null>;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: string;
  /** JSON public JWK. */
  public_jwk: string;
  encrypted_private_key: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's session id, base64url. */
  id_hash: string;
  sid: string;
  user_id: string;
  auth_time: number;
  /** JSON array of strings. */
  amr: string;
  acr: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ended_at: number | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  /** JSON array of strings. */
  scopes: string;
  /** JSON array of strings: claims consented to by name, beyond the scopes' (0010). */
  claims: string;
  granted_at: number;
}

export interface GrantsTable {
  id: string;
  client_id: string;
  user_id: string | null;
  /** JSON array of strings. */
  scopes: string;
  /** JSON array of strings: the RFC 8707 resources authorized (0004). */
  resources: string;
  sid: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface AuthorizationCodesTable {
  /** SHA-256 of the code, base64url. */
  code_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  /** JSON array of strings. */
  scopes: string;
  nonce: string | null;
  code_challenge: string | null;
  /** RFC 9449 §10: the thumbprint of the key the redemption must prove, or null. */
  dpop_jkt: string | null;
  sid: string;
  auth_time: number;
  acr: string | null;
  /** JSON array of strings. */
  amr: string;
  /** The `claims` request parameter, JSON text as received, or null. */
  claims_request: string | null;
  /** JSON array of strings. */
  resources: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface AuditEventsTable {
  /** Assigned by the database, increasing (SQLite AUTOINCREMENT, PostgreSQL identity). */
  id: Generated<number>;
  type: string;
  at: number;
  user_id: string | null;
  client_id: string | null;
  ip: string | null;
  /** JSON object. */
  details: string;
}

export interface RefreshTokensTable {
  /** SHA-256 of the token, base64url. */
  token_hash: string;
  /** The grant is the family (RFC 9700 §4.14.2). */
  grant_id: string;
  client_id: string;
  user_id: string | null;
  /** JSON array of strings. */
  scopes: string;
  created_at: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  rotated_at: number | null;
  /** RFC 9449 §5: the key thumbprint a public client's refresh tokens are bound to (migration 0009). */
  dpop_jkt: string | null;
}

export interface DeviceCodesTable {
  /** SHA-256 of the device code, base64url. */
  device_code_hash: string;
  /** Normalized; unique (see DEVICE_USER_CODE_INDEX). */
  user_code: string;
  client_id: string;
  /** JSON array of strings. */
  scopes: string;
  /** JSON array of strings. */
  resources: string;
  /** A DeviceCodeStatus. */
  status: string;
  /** Seconds. */
  interval: number;
  last_polled_at: number | null;
  user_id: string | null;
  grant_id: string | null;
  sid: string | null;
  auth_time: number | null;
  created_at: number;
  expires_at: number;
}

export interface ThrottlesTable {
  /** SHA-256 of the throttled key (an account, an address, a user code), base64url. */
  key_hash: string;
  /** Attempts counted against the key: failures, and attempts reserved and not yet settled. */
  failures: number;
  last_failure_at: number;
  /** Attempts refused while the key was throttled, since the count last started over (0006). */
  refused: Generated<number>;
}

/** GCRA state of a request-rate limit (0006): one row per limited key. */
export interface RequestRatesTable {
  /** SHA-256 of the namespace and key (a client id, an address), base64url. */
  key_hash: string;
  /** The theoretical arrival time of the next request, milliseconds since the epoch. */
  arrival_at_ms: number;
}

export interface GroupsTable {
  /** Lower-case; the group's identity and the value released in the `groups` claim. */
  name: string;
  created_at: number;
}

export interface GroupMembersTable {
  group_name: string;
  user_id: string;
  added_at: number;
}

export interface ReplayCacheTable {
  key: string;
  expires_at: number;
}

/** Single-use links sent by email (verify an address, reset a password); only SHA-256 of the token. */
export interface EmailLinksTable {
  token_hash: string;
  purpose: string;
  user_id: string;
  /** The address the link was sent to: verifying it verifies only this address. */
  email: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface ClientRegistrationsTable {
  client_id: string;
  /** SHA-256 of the registration access token, base64url. */
  registration_token_hash: string;
  created_at: number;
}

export interface InitialAccessTokensTable {
  /** SHA-256 of the token, base64url. */
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Identities at other providers; the primary key is (connector_id, issuer, subject). */
export interface IdentitiesTable {
  connector_id: string;
  issuer: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: number;
  last_used_at: number;
}

/** One authenticator app (TOTP, RFC 6238) per user (0015). */
export interface TotpFactorsTable {
  user_id: string;
  /** The base32 seed sealed under LATCHKEY_SECRET (keys/sealing.ts, purpose `totp-seed`). */
  sealed_seed: string;
  created_at: number;
  confirmed_at: number | null;
  /** The RFC 6238 time step of the last accepted code. */
  last_step: number | null;
}

/** Single-use recovery codes, as SHA-256 (0015). */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_at: number;
  used_at: number | null;
}

/** WebAuthn credentials (0015). */
export interface PasskeysTable {
  /** base64url credential id. */
  credential_id: string;
  user_id: string;
  name: string;
  /** base64url COSE public key. */
  public_key: string;
  counter: number;
  /** JSON array of transports. */
  transports: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

export interface ProviderSchema {
  clients: ClientsTable;
  users: UsersTable;
  signing_keys: SigningKeysTable;
  leases: LeasesTable;
  sessions: SessionsTable;
  consents: ConsentsTable;
  grants: GrantsTable;
  authorization_codes: AuthorizationCodesTable;
  audit_events: AuditEventsTable;
  refresh_tokens: RefreshTokensTable;
  device_codes: DeviceCodesTable;
  replay_cache: ReplayCacheTable;
  throttles: ThrottlesTable;
  email_links: EmailLinksTable;
  request_rates: RequestRatesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  client_registrations: ClientRegistrationsTable;
  initial_access_tokens: InitialAccessTokensTable;
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  identities: IdentitiesTable;
  totp_factors: TotpFactorsTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  runtime_settings: RuntimeSettingsTable;
  runtime_settings_revision: RuntimeSettingsRevisionTable;
}

/** Issue 15: overrides of the settings safe to change at run time (migration 0017). */
export interface RuntimeSettingsTable {
  /** The dotted config path, e.g. `tokens.accessTokenLifetime`. */
  name: string;
  /** The value as JSON, in the config object's form (seconds for a duration). */
  value: string;
  updated_at: number;
  actor_type: string;
  actor_id: string;
}

/** One row (id 1): bumped by every change of runtime_settings. */
export interface RuntimeSettingsRevisionTable {
  id: number;
  revision: number;
}

/** RFC 9126: pushed authorization requests (migration 0009). */
export interface PushedAuthorizationRequestsTable {
  /** SHA-256 of the `request_uri`, base64url. */
  request_uri_hash: string;
  client_id: string;
  /** JSON array of [name, value] pairs, as pushed (repeated names kept). */
  params: string;
  expires_at: number;
  consumed_at: number | null;
}

/** Index names other modules refer to (to tell which unique constraint a violation hit). */
export const USERNAME_INDEX = 'users_username_lower';
export const ONE_CURRENT_KEY_INDEX = 'signing_keys_one_current_per_alg';
export const SESSION_SID_INDEX = 'sessions_sid_unique';
export const DEVICE_USER_CODE_INDEX = 'device_codes_user_code_unique';
export const GROUP_MEMBERS_USER_INDEX = 'group_members_user_id';
