import { secureRandomBytes } from '../lib/random.js';
import type { AuditEvent, GrantRecord, RefreshTokenRecord, RefreshTokenStore } from '../store/types.js';
import { hashOpaqueToken } from './opaque-hash.js';

/** 256 random bits (issue 5; RFC 9700 §4.14: refresh tokens must not be guessable). */
export const REFRESH_TOKEN_BYTES = 32;

/** The `tokens.refreshToken*` settings, in seconds. */
export interface RefreshTokenSettings {
  readonly refreshTokenIdleLifetime: number;
  readonly refreshTokenAbsoluteLifetime: number;
}

/** What a new family is issued for: one grant of one client (and its user, for a sign-in). */
export interface RefreshTokenFamily {
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string | null;
  readonly scopes: readonly string[];
  /** RFC 9449 §5: the DPoP key a public client's family is bound to; rotation keeps it. */
  readonly dpopJkt?: string | null | undefined;
}

export type RefreshTokenRotation =
  | { readonly status: 'rotated'; readonly refreshToken: string; readonly record: RefreshTokenRecord }
  /** Someone rotated it first: a replay of a stolen token or a lost race (R1). */
  | { readonly status: 'reused' }
  | { readonly status: 'not_found' };

export interface RefreshTokens {
  /** Starts a family: a new refresh token under `family.grantId`, its absolute lifetime counted from `at`. */
  issue(family: RefreshTokenFamily, at: number): Promise<string>;
  /** The stored record of a presented token (looked up by its SHA-256), whatever its state. */
  find(presented: string): Promise<RefreshTokenRecord | undefined>;
  /** `find` with the token's grant, in one store query (the refresh grant reads both). */
  findWithGrant(
    presented: string,
  ): Promise<{ token: RefreshTokenRecord; grant: GrantRecord | undefined } | undefined>;
  /**
   * Exchanges `current` for a successor in the same family, atomically (DESIGN rule 7): of two
   * concurrent rotations of one token exactly one gets 'rotated'. The successor keeps the scopes
   * (RFC 6749 §6: "identical to that of the refresh token included by the client") and the
   * family's absolute end; its idle lifetime starts again. `event` is stored in the same commit, and
   * only when this call rotated the token.
   */
  rotate(current: RefreshTokenRecord, at: number, event?: AuditEvent): Promise<RefreshTokenRotation>;
}

export interface RefreshTokensDeps {
  readonly store: RefreshTokenStore;
  readonly settings: RefreshTokenSettings;
  readonly random?: (n: number) => Buffer;
}

/** Unused past its idle end, or past the family's absolute end (R3: inactivity). */
export function isRefreshTokenExpired(
  token: Pick<RefreshTokenRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>,
  now: number,
): boolean {
  return now >= token.idleExpiresAt || now >= token.absoluteExpiresAt;
}

/** When the token stops working if unused: the earlier of its two ends. */
export function refreshTokenExpiresAt(
  token: Pick<RefreshTokenRecord, 'idleExpiresAt' | 'absoluteExpiresAt'>,
): number {
  return Math.min(token.idleExpiresAt, token.absoluteExpiresAt);
}

/**
 * Refresh tokens are opaque random strings stored only as their SHA-256 (DESIGN rule 6); the grant is
 * the family (RFC 9700 §4.14.2), so revoking the grant ends every token of it.
 */
export function createRefreshTokens(deps: RefreshTokensDeps): RefreshTokens {
  const random = deps.random ?? secureRandomBytes;
  // Read at each use: both are runtime settings (settings/), changed in place on the live section.
  const { settings } = deps;

  const mint = (
    family: RefreshTokenFamily,
    at: number,
    absoluteExpiresAt: number,
  ): { value: string; record: RefreshTokenRecord } => {
    const value = random(REFRESH_TOKEN_BYTES).toString('base64url');
    return {
      value,
      record: {
        tokenHash: hashOpaqueToken(value),
        grantId: family.grantId,
        clientId: family.clientId,
        userId: family.userId,
        scopes: [...family.scopes],
        createdAt: at,
        idleExpiresAt: Math.min(at + settings.refreshTokenIdleLifetime, absoluteExpiresAt),
        absoluteExpiresAt,
        rotatedAt: null,
        dpopJkt: family.dpopJkt ?? null,
      },
    };
  };

  return {
    async issue(family, at) {
      const { value, record } = mint(family, at, at + settings.refreshTokenAbsoluteLifetime);
      await deps.store.create(record);
      return value;
    },
    find: (presented) => deps.store.get(hashOpaqueToken(presented)),
    findWithGrant: (presented) => deps.store.getWithGrant(hashOpaqueToken(presented)),
    async rotate(current, at, event) {
      const successor = mint(current, at, current.absoluteExpiresAt);
      const result = await deps.store.rotate(current.tokenHash, at, successor.record, event);
      if (result.status !== 'rotated') return { status: result.status };
      return { status: 'rotated', refreshToken: successor.value, record: successor.record };
    },
  };
}
