import type { PendingAuthorization } from '@latchkey/oidc';
import { createSealedBox } from './sealed-box.js';

/** Long enough to sign in and read the consent page. */
export const PENDING_LIFETIME = 10 * 60;
/**
 * The longest path a sign-in may return to after its callback: with state, nonce and verifier (43
 * characters each) the sealed cookie stays within the 512 characters cookies.ts reads (at most 139).
 */
export const MAX_RETURN_PATH = 120;

/** What a built-in relying party keeps between its redirect and its callback. */
export interface PendingSignIn extends PendingAuthorization {
  /** Where to go after the callback (a path on the provider, checked by the relying party). */
  readonly returnTo?: string;
}

export interface PendingSealer {
  seal(pending: PendingSignIn, now: number): string;
  /** The pending sign-in, or undefined when absent, forged, malformed or expired. */
  open(sealed: string | undefined, now: number): PendingSignIn | undefined;
}

/**
 * The state between "sign in" and the callback (state, nonce, PKCE verifier; RFC 9700 §2.1.1, §4.7),
 * kept where a relying party keeps it: bound to the browser, in a sealed cookie (sealed-box.ts). Each
 * relying party seals under its own `info`, so one's cookie never opens as another's.
 */
export function createPendingSealer(
  secret: Uint8Array,
  random: (n: number) => Buffer,
  info = 'latchkey demo pending authorization v1',
): PendingSealer {
  const box = createSealedBox<PendingSignIn>(secret, info, random);
  return {
    seal(pending, now) {
      const returnTo = pending.returnTo?.slice(0, MAX_RETURN_PATH);
      return box.seal(
        {
          state: pending.state,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
          ...(returnTo === undefined ? {} : { returnTo }),
        },
        now + PENDING_LIFETIME,
      );
    },
    open(sealed, now) {
      const value = box.open(sealed, now);
      if (
        value === undefined ||
        typeof value.state !== 'string' ||
        typeof value.nonce !== 'string' ||
        typeof value.codeVerifier !== 'string'
      ) {
        return undefined;
      }
      return {
        state: value.state,
        nonce: value.nonce,
        codeVerifier: value.codeVerifier,
        ...(typeof value.returnTo === 'string' ? { returnTo: value.returnTo } : {}),
      };
    },
  };
}
