import type { Clock } from '../lib/clock.js';
import type { AuditStore, UserRecord, UserStore } from '../store/types.js';
import type { LoginFactor } from './factors/index.js';
import { passwordFactor } from './factors/password.js';
import { type RateLimiter, reserveEach } from './rate-limiter.js';
import { normalizeUsername, type UsernameDigest } from './username-digest.js';

export interface SignInDeps {
  readonly stores: { readonly users: UserStore; readonly audit: AuditStore };
  readonly clock: Clock;
  readonly limits: { readonly account: RateLimiter; readonly ip: RateLimiter };
  /** Keyed hash recorded for a failed username that names no account (item 7 of issue 20). */
  readonly usernameDigest: UsernameDigest;
  /** Default: the password factor (the sign-in form asks for a username and a password). */
  readonly factor?: LoginFactor;
}

export interface SignInAttempt {
  readonly username: string;
  readonly password: string;
  readonly ip: string;
  /** The application being signed in to; null on the provider's own pages (the account page). */
  readonly clientId: string | null;
}

export type SignInResult =
  | { readonly status: 'signed_in'; readonly user: UserRecord; readonly amr: readonly string[] }
  /** One answer for an unknown user, a wrong password and a disabled user (S2). */
  | { readonly status: 'invalid' }
  /** S1: too many failures for this account or address; try again after `retryAfter` seconds. */
  | { readonly status: 'throttled'; readonly retryAfter: number };

/**
 * Signs in with the form's credentials through a factor (the password, RFC 8176 `pwd`), behind the
 * rate limits. An unknown user, a disabled user and a wrong password cost the same argon2id
 * verification and give the same answer (S2); throttling is keyed by the username as typed, so it says
 * nothing about whether the account exists. Every outcome is audited, never with the password.
 *
 * L1: the attempt is reserved on both limits before the password is checked, so parallel attempts
 * cannot all pass a check that none of them has counted yet. A failure leaves its reservations as the
 * failures they stand for; a success clears the account's failures and gives the address its attempt
 * back (a shared address is limited on failures only). An attempt that throws stays counted.
 */
export async function signInWithPassword(deps: SignInDeps, attempt: SignInAttempt): Promise<SignInResult> {
  const now = deps.clock();
  const account = `account:${normalizeUsername(attempt.username)}`;
  const ip = `ip:${attempt.ip}`;
  const refused = await reserveEach(now, [
    { limiter: deps.limits.account, key: account },
    { limiter: deps.limits.ip, key: ip },
  ]);
  if (refused !== undefined) {
    // L3: a flood of refused attempts writes the 1st, 2nd, 4th, 8th … refusal of a throttled stretch,
    // each with the count so far, instead of one audit row per request.
    if (isPowerOfTwo(refused.refusals)) {
      await auditFailure(deps, now, attempt, { reason: 'throttled', refusals: refused.refusals });
    }
    return { status: 'throttled', retryAfter: refused.retryAfter };
  }
  const factor = deps.factor ?? passwordFactor;
  const user = await factor.verify(deps.stores, attempt);
  if (user === undefined) {
    await auditFailure(deps, now, attempt, { reason: 'invalid_credentials' });
    return { status: 'invalid' };
  }
  await Promise.all([deps.limits.account.clear(account), deps.limits.ip.release(ip)]);
  await deps.stores.audit.append({
    type: 'sign_in.success',
    at: now,
    userId: user.id,
    clientId: attempt.clientId,
    ip: attempt.ip,
    details: { amr: [factor.amr] },
  });
  return { status: 'signed_in', user, amr: [factor.amr] };
}

/**
 * A failure names the account only when the username is one (its id, and the name as stored);
 * anything else typed there, perhaps a password, is recorded as its keyed digest.
 */
async function auditFailure(
  deps: SignInDeps,
  now: number,
  attempt: SignInAttempt,
  details: Record<string, unknown>,
): Promise<void> {
  const known = await deps.stores.users.getByUsername(normalizeUsername(attempt.username));
  await deps.stores.audit.append({
    type: 'sign_in.failure',
    at: now,
    userId: known?.id ?? null,
    clientId: attempt.clientId,
    ip: attempt.ip,
    details:
      known === undefined
        ? { ...details, usernameDigest: deps.usernameDigest(attempt.username) }
        : { ...details, username: known.username },
  });
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
