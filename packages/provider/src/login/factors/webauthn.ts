import { isIP } from 'node:net';
import type { FactorSecretSealer } from '../../keys/sealing.js';
import { loadOnce } from '../../lib/load-once.js';

/**
 * @simplewebauthn/server, on the first passkey ceremony: with the @peculiar/asn1-* and x509 modules it
 * pulls in it is ~330 modules and ~20 MB resident, which a provider whose users never use a passkey
 * would carry for its whole life.
 */
export const webauthnServer = loadOnce(() => import('@simplewebauthn/server'));

/**
 * The relying party of WebAuthn (L3 §5.1.3, §7.1 step 9, §7.2 step 12): the RP ID is the issuer's host,
 * the only origin the issuer's origin. Attestation `none` (no vendor check: a passkey proves the key,
 * not the device), user verification required by default.
 */
export interface WebAuthnRelyingParty {
  readonly id: string;
  readonly origin: string;
  readonly name: string;
  /**
   * False when the issuer's host is an IP address: an RP ID must be a domain (WebAuthn L3 §5.1.3), so
   * no passkey can be made or used there, and the pages do not offer them.
   */
  readonly available: boolean;
}

export function relyingPartyOf(issuer: string, name: string): WebAuthnRelyingParty {
  const url = new URL(issuer);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { id: url.hostname, origin: url.origin, name, available: isIP(host) === 0 };
}

/** How long a ceremony's challenge lives: the time to touch a key or read a fingerprint. */
export const CHALLENGE_LIFETIME = 300;

/** A ceremony's challenge, sealed to its user and purpose, carried by the page (no table, no cookie). */
interface ChallengeState {
  readonly challenge: string;
  readonly expiresAt: number;
}

export function sealChallenge(
  sealer: FactorSecretSealer,
  userId: string,
  purpose: 'register' | 'authenticate',
  challenge: string,
  now: number,
): string {
  const state: ChallengeState = { challenge, expiresAt: now + CHALLENGE_LIFETIME };
  return sealer.seal(JSON.stringify(state), { userId, factor: `webauthn-${purpose}` });
}

/** The challenge, or undefined when the state is forged, for another user or purpose, or expired. */
export function openChallenge(
  sealer: FactorSecretSealer,
  userId: string,
  purpose: 'register' | 'authenticate',
  sealed: string,
  now: number,
): ChallengeState | undefined {
  try {
    const state = JSON.parse(
      sealer.open(sealed, { userId, factor: `webauthn-${purpose}` }),
    ) as ChallengeState;
    return typeof state.challenge === 'string' && now < state.expiresAt ? state : undefined;
  } catch {
    return undefined;
  }
}
