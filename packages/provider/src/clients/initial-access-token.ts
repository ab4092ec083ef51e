import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../lib/clock.js';
import type { InitialAccessTokenStore } from '../store/types.js';
import { hashOpaqueToken } from '../tokens/index.js';

export interface IssuedInitialAccessToken {
  /** Shown once: only its SHA-256 is stored. */
  readonly token: string;
  readonly expiresAt: number;
}

/**
 * An initial access token (RFC 7591 §3) for `registration.mode: token`: 256 random bits, good for one
 * registration until it expires (default 1 day). The operator hands it to whoever may register.
 */
export async function issueInitialAccessToken(
  stores: { readonly initialAccessTokens: InitialAccessTokenStore },
  options: { readonly lifetime?: number; readonly now?: Clock; readonly random?: (n: number) => Buffer } = {},
): Promise<IssuedInitialAccessToken> {
  const now = (options.now ?? systemClock)();
  const token = (options.random ?? randomBytes)(32).toString('base64url');
  const expiresAt = now + (options.lifetime ?? 86_400);
  await stores.initialAccessTokens.create(hashOpaqueToken(token), now, expiresAt);
  return { token, expiresAt };
}
