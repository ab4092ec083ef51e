import type { FactorSecretSealer } from '../../keys/sealing.js';
import type { AuditStore, FactorStore, ReplayCache } from '../../store/types.js';
import type { LoginFactor } from './factor.js';
import { createPasskeyFactor } from './passkey.js';
import { passwordFactor } from './password.js';
import { createRecoveryCodeFactor } from './recovery-code.js';
import type { SecondFactor } from './second-factor.js';
import { createTotpFactor } from './totp.js';
import type { WebAuthnRelyingParty } from './webauthn.js';

export type { Credentials, LoginFactor } from './factor.js';
export type { SecondFactor } from './second-factor.js';

/** The factors the sign-in form offers, first one first. */
export const LOGIN_FACTORS: readonly LoginFactor[] = [passwordFactor];

export interface SecondFactorDeps {
  readonly factors: FactorStore;
  readonly sealer: FactorSecretSealer;
  readonly replayCache: ReplayCache;
  readonly audit: AuditStore;
  readonly relyingParty: WebAuthnRelyingParty;
}

/** The factors asked for after the password, in the order the second-factor page tries a code. */
export function createSecondFactors(deps: SecondFactorDeps): readonly SecondFactor[] {
  return [createTotpFactor(deps), createPasskeyFactor(deps), createRecoveryCodeFactor(deps)];
}

/** The RFC 8176 methods of the user's enrolled factors (backups are not factors of their own). */
export async function enrolledMethods(factors: readonly SecondFactor[], userId: string): Promise<string[]> {
  const primary = factors.filter((f) => !f.backup);
  const have = await Promise.all(primary.map((f) => f.enrolled(userId)));
  return [...new Set(primary.filter((_, i) => have[i]).map((f) => f.amr))];
}
