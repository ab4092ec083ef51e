/**
 * The provider's storage contracts: one narrow interface per aggregate (DESIGN rule 5).
 * One Kysely implementation serves SQLite and PostgreSQL; one contract suite tests both.
 * Times are integer seconds since the epoch (the JWT NumericDate), produced by the injected clock.
 */
import type { JwkSet, Jwk, JwsAlgorithm } from '@latchkey/oidc';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

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
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ClientStore {
  /** Throws StoreConflictError when the client id is taken. */
  create(client: ClientRecord): Promise<void>;
  get(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
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
  getByUsername(username: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  /** Returns whether a user was found. */
  setDisabled(id: string, disabled: boolean, at: number): Promise<boolean>;
  /** Returns whether a user was found. Sets passwordChangedAt = at. */
  setPasswordHash(id: string, passwordHash: string, at: number): Promise<boolean>;
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

/** Everything the provider persists, as one object handed to constructors. */
export interface ProviderStores {
  readonly clients: ClientStore;
  readonly users: UserStore;
  readonly signingKeys: SigningKeyStore;
  readonly leases: LeaseStore;
  /** Cheap round trip to the database, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
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
