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

export interface ProviderSchema {
  clients: ClientsTable;
  users: UsersTable;
  signing_keys: SigningKeysTable;
  leases: LeasesTable;
}

/** Index names other modules refer to (to tell which unique constraint a violation hit). */
export const USERNAME_INDEX = 'users_username_lower';
export const ONE_CURRENT_KEY_INDEX = 'signing_keys_one_current_per_alg';
