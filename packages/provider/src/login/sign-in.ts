import type { Clock } from '../lib/clock.js';
import type { AuditStore, UserRecord, UserStore } from '../store/types.js';
import type { LoginFactor } from './factors/index.js';
import { passwordFactor } from './factors/password.js';
import type { RateLimiter } from './rate-limiter.js';

export interface SignInDeps {
  readonly stores: { readonly users: UserStore; readonly audit: AuditStore };
  readonly clock: Clock;
  readonly limits: { readonly account: RateLimiter; readonly ip: RateLimiter };
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
 */

export async function signInWithPassword(deps: SignInDeps, attempt: SignInAttempt): Promise<SignInResult> {
  const now = deps.clock();
  const account = `account:${attempt.username.trim().toLowerCase()}`;
  const ip = `ip:${attempt.ip}`;
  const [accountWait, ipWait] = await Promise.all([
    deps.limits.account.retryAfter(account, now),
    deps.limits.ip.retryAfter(ip, now),
  ]);
  const wait = Math.max(accountWait, ipWait);
  const username = attempt.username.slice(0, 64);
  if (wait > 0) {
    await audit(deps, now, attempt, null, { reason: 'throttled', username });
    return { status: 'throttled', retryAfter: wait };
  }
  const factor = deps.factor ?? passwordFactor;
  const user = await factor.verify(deps.stores, attempt);
  if (user === undefined) {
    await Promise.all([
      deps.limits.account.recordFailure(account, now),
      deps.limits.ip.recordFailure(ip, now),
    ]);
    await audit(deps, now, attempt, null, { reason: 'invalid_credentials', username });
    return { status: 'invalid' };
  }
  await deps.limits.account.recordSuccess(account);
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

function audit(
  deps: SignInDeps,
  now: number,
  attempt: SignInAttempt,
  userId: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  return deps.stores.audit.append({
    type: 'sign_in.failure',
    at: now,
    userId,
    clientId: attempt.clientId,
    ip: attempt.ip,
    details,
  });
}
