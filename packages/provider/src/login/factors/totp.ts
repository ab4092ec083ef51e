import type { FactorSecretSealer } from '../../keys/sealing.js';
import { loadOnce } from '../../lib/load-once.js';
import type { FactorStore } from '../../store/types.js';
import type { SecondFactor } from './second-factor.js';

/** RFC 6238 §4: a 30-second step (what every authenticator app assumes), 6 digits, SHA-1. */
export const TOTP_PERIOD = 30;
/** RFC 6238 §5.2: one step either side of now, for clocks that drift and people who type slowly. */
const TOLERANCE = TOTP_PERIOD;
const SEALED_AS = 'totp';

/** otplib (and its noble/scure plugins, ~4 MB resident) loads with the first one-time code. */
const otplib = loadOnce(() => import('otplib'));

export interface TotpDeps {
  readonly factors: FactorStore;
  readonly sealer: FactorSecretSealer;
}

/** A fresh seed: 160 random bits (RFC 4226 §4 recommends 160), base32 for the apps. */
export async function newTotpSeed(): Promise<string> {
  return (await otplib()).generateSecret({ length: 20 });
}

/** The `otpauth://` URI the QR code carries (Key Uri Format). */
export async function totpUri(seed: string, issuer: string, label: string): Promise<string> {
  return (await otplib()).generateURI({ issuer, label, secret: seed, period: TOTP_PERIOD });
}

export function sealTotpSeed(sealer: FactorSecretSealer, userId: string, seed: string): string {
  return sealer.seal(seed, { userId, factor: SEALED_AS });
}

export function openTotpSeed(sealer: FactorSecretSealer, userId: string, sealed: string): string {
  return sealer.open(sealed, { userId, factor: SEALED_AS });
}

/** The time step `code` is valid in for `seed` at `now` (±1 step), or undefined. */
export async function totpStep(seed: string, code: string, now: number): Promise<number | undefined> {
  const { verify } = await otplib();
  const result = await verify({ secret: seed, token: code, epoch: now, epochTolerance: TOLERANCE });
  // otplib answers TOTP and HOTP with one union type; a TOTP result names its step.
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/** An authenticator app (RFC 8176 `otp`). A code is accepted once: its step must be later than the last (F1). */
export function createTotpFactor(deps: TotpDeps): SecondFactor {
  return {
    kind: 'totp',
    amr: 'otp',
    backup: false,
    async enrolled(userId) {
      const totp = await deps.factors.getTotp(userId);
      return totp !== undefined && totp.confirmedAt !== null;
    },
    accepts: isTotpCode,
    async verify(userId, code, now) {
      const totp = await deps.factors.getTotp(userId);
      if (totp === undefined || totp.confirmedAt === null) return undefined;
      const step = await totpStep(openTotpSeed(deps.sealer, userId, totp.sealedSeed), code, now);
      // The step is recorded in one guarded UPDATE: a replay, even in parallel, finds it taken.
      return step !== undefined && (await deps.factors.useTotpStep(userId, step)) ? ['otp'] : undefined;
    },
  };
}
