import type { AuditStore } from '../store/types.js';
import type { SecondFactor } from './factors/index.js';
import { type RateLimiter, reserveEach } from './rate-limiter.js';

export interface SecondFactorDeps {
  readonly secondFactors: readonly SecondFactor[];
  /** Per user (F1 with L1): a six-digit code is guessable only if guesses are not counted. */
  readonly secondFactorLimit: RateLimiter;
  readonly stores: { readonly audit: AuditStore };
  readonly clock: () => number;
}

export interface SecondFactorAttempt {
  readonly userId: string;
  readonly code: string;
  readonly ip: string;
  readonly clientId: string | null;
}

export type SecondFactorResult =
  /** `amr`: the RFC 8176 methods the factor proved. */
  | { readonly status: 'verified'; readonly factor: SecondFactor; readonly amr: readonly string[] }
  | { readonly status: 'invalid' }
  | { readonly status: 'throttled'; readonly retryAfter: number };

/** Longest code accepted at all (rule 9): a passkey's assertion with its sealed challenge is a few KB. */
const MAX_CODE_LENGTH = 16_384;

/**
 * Checks a second-factor code behind the per-user limiter. L1: the attempt is reserved before any code
 * is checked, so a hundred parallel guesses test at most the free allowance; a success forgives the
 * user's failures. The code goes to the enrolled factors whose shape it has (six digits: the app;
 * 4×4 characters: a recovery code). Every outcome is audited, never with the code; a recovery code's
 * use is an event of its own, which the account page shows.
 */
export async function verifySecondFactor(
  deps: SecondFactorDeps,
  attempt: SecondFactorAttempt,
): Promise<SecondFactorResult> {
  const now = deps.clock();
  const trimmed = attempt.code.trim();
  // A passkey answer is JSON; typed codes lose their spaces ("123 456").
  const code = trimmed.startsWith('{') ? trimmed : trimmed.replace(/\s+/g, '');
  const key = `user:${attempt.userId}`;
  const refused = await reserveEach(now, [{ limiter: deps.secondFactorLimit, key }]);
  const audit = (type: string, details: Record<string, unknown>) =>
    deps.stores.audit.append({
      type,
      at: now,
      userId: attempt.userId,
      clientId: attempt.clientId,
      ip: attempt.ip,
      details,
    });
  if (refused !== undefined) {
    if (Number.isInteger(Math.log2(refused.refusals))) {
      await audit('sign_in.second_factor_failure', { reason: 'throttled', refusals: refused.refusals });
    }
    return { status: 'throttled', retryAfter: refused.retryAfter };
  }
  if (code.length > 0 && code.length <= MAX_CODE_LENGTH) {
    for (const factor of deps.secondFactors) {
      if (!factor.accepts(code)) continue;
      const amr = await factor.verify(attempt.userId, code, now);
      if (amr === undefined) continue;
      await deps.secondFactorLimit.clear(key);
      if (factor.backup) await audit('recovery_code.used', {});
      await audit('sign_in.second_factor', { factor: factor.kind });
      return { status: 'verified', factor, amr };
    }
  }
  await audit('sign_in.second_factor_failure', { reason: 'invalid_code' });
  return { status: 'invalid' };
}
