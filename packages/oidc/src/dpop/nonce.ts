/**
 * Server-provided DPoP nonces (RFC 9449 §8 for the authorization server, §9 for resource servers).
 * Stateless: a nonce is a time slot and an HMAC of it, so every instance that shares the secret
 * accepts every other's nonces and nothing is stored. A nonce is accepted in its slot and the next,
 * so a client holding one for up to `lifetime` seconds, and up to twice that, keeps working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseDuration } from '../lib/duration.js';

export interface DpopNonceSource {
  /** The nonce to send in `DPoP-Nonce` now. */
  current(): string;
  /** Whether a proof's `nonce` claim is acceptable now. */
  isValid(nonce: unknown): boolean;
}

export interface DpopNoncesOptions {
  /** At least 32 bytes, the same on every instance. */
  readonly secret: Uint8Array;
  /** How long one nonce is handed out (seconds or `'5m'`; default 5 minutes). */
  readonly lifetime?: number | string;
  /** The clock, epoch milliseconds. */
  readonly now?: () => number;
}

const MAC_LENGTH = 16;

export function createDpopNonces(options: DpopNoncesOptions): DpopNonceSource {
  const { secret } = options;
  if (!(secret instanceof Uint8Array) || secret.length < 32) {
    throw new TypeError('options.secret must be at least 32 bytes');
  }
  const lifetime = options.lifetime === undefined ? 300 : parseDuration(options.lifetime, 'options.lifetime');
  if (lifetime < 1) throw new TypeError('options.lifetime must be at least one second');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('options.now must be a function');
  const slotNow = () => Math.floor(now() / 1000 / lifetime);
  const mac = (slot: number) =>
    createHmac('sha256', secret).update(`dpop-nonce:${slot}`).digest().subarray(0, MAC_LENGTH);
  return {
    current() {
      const slot = slotNow();
      return `${slot.toString(36)}.${mac(slot).toString('base64url')}`;
    },
    isValid(nonce) {
      if (typeof nonce !== 'string' || nonce.length > 64) return false;
      const [slotText, macText, extra] = nonce.split('.');
      if (slotText === undefined || macText === undefined || extra !== undefined) return false;
      if (!/^[0-9a-z]{1,12}$/.test(slotText)) return false;
      const slot = Number.parseInt(slotText, 36);
      const current = slotNow();
      if (slot !== current && slot !== current - 1) return false;
      const given = Buffer.from(macText, 'base64url');
      return given.length === MAC_LENGTH && timingSafeEqual(given, mac(slot));
    },
  };
}
