import { createBrowserBoundSealer } from './browser-bound-sealer.js';
import type { PendingSignIn } from './next-step.js';
import type { AuthorizationRequest } from './request.js';

/**
 * The pending authorization request between /authorize, /login and /consent.
 *
 * Decision: it travels sealed (AES-256-GCM under a key derived from LATCHKEY_SECRET with HKDF-SHA256)
 * in the URL and the forms, not in a database row. Any provider instance sharing the secret can open it,
 * so it survives load balancing with no table, no cleanup job and no write per page view; GCM makes it
 * tamper-proof and keeps the request's details (nonce, state, hints) unreadable to the page's viewers.
 * It is bound to the browser (the hash of the browser cookie is inside and compared on open), expires
 * after INTERACTION_LIFETIME, and once the person has signed in it also names the session (`sid`), so
 * consent can only be given by that same session.
 */
export interface Interaction {
  readonly request: AuthorizationRequest;
  /** When /authorize accepted the request (seconds). */
  readonly startedAt: number;
  readonly expiresAt: number;
  /** BrowserBinding.fingerprint of the browser that started it. */
  readonly browser: string;
  /** Set once the person is signed in: the session that may give consent. */
  readonly sid?: string;
  /** Set with `sid` when consent is asked: the claims asked for by name that the page shows and the consent records. */
  readonly claims?: readonly string[];
  /** Set while a second factor is asked: who is signing in and the methods used so far. */
  readonly pending?: PendingSignIn;
}

/** Long enough to type a password and read a consent page; short enough that a leaked URL dies soon. */
export const INTERACTION_LIFETIME = 15 * 60;

export interface InteractionSealer {
  seal(interaction: Interaction): string;
  /** The interaction, or undefined when it is malformed, forged, expired, or from another browser. */
  open(sealed: string | undefined, browser: string | undefined, now: number): Interaction | undefined;
}

export function createInteractionSealer(
  secret: Uint8Array,
  random: (n: number) => Buffer,
): InteractionSealer {
  return createBrowserBoundSealer<Interaction>(secret, random, 'interaction');
}
