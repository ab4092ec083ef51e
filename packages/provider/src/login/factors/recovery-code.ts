import { createHash, randomBytes } from 'node:crypto';
import type { FactorStore } from '../../store/types.js';
import type { SecondFactor } from './second-factor.js';

/** NIST SP 800-63B §5.1.2 (look-up secrets): 10 codes of 80 random bits each, as 4 groups of 4 base32 characters. */
export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SHAPE = /^[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}$/;

/** Fresh codes to show once; the store keeps only their hashes. */
export function newRecoveryCodes(random: (n: number) => Buffer = randomBytes): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = random(10);
    let bits = 0n;
    for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
    let text = '';
    for (let i = 0; i < 16; i++) text += ALPHABET[Number((bits >> BigInt(5 * (15 - i))) & 31n)];
    return text.match(/.{4}/g)!.join('-');
  });
}

/**
 * SHA-256 of the code without its dashes (DESIGN rule 6: a high-entropy random value needs no slow
 * KDF), lower-cased so a code typed in capitals still matches.
 */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replaceAll('-', '')).digest('base64url');
}

/**
 * Recovery codes: a backup for a lost authenticator. RFC 8176 has no method for look-up secrets; a
 * recovery code is a one-time password the user holds on paper, so it is `otp`.
 */
export function createRecoveryCodeFactor(deps: { readonly factors: FactorStore }): SecondFactor {
  return {
    kind: 'recovery_code',
    amr: 'otp',
    backup: true,
    async enrolled(userId) {
      return (await deps.factors.recoveryCodes(userId)).remaining > 0;
    },
    accepts: (code) => SHAPE.test(code.toLowerCase()),
    // DESIGN rule 7: one guarded UPDATE consumes it; of parallel uses exactly one wins (F3).
    verify: async (userId, code, now) =>
      (await deps.factors.useRecoveryCode(userId, hashRecoveryCode(code), now)) ? ['otp'] : undefined,
  };
}
