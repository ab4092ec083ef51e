import type { AuditStore, FactorStore, RecoveryCodeSummary, UserStore } from '../../store/types.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireUser, type UserRef } from './read.js';

/** What an administrator sees of a user's second factors: which, since when; never a secret. */
export interface UserFactors {
  readonly username: string;
  readonly totp:
    | { readonly state: 'none' }
    | { readonly state: 'pending'; readonly startedAt: number }
    | { readonly state: 'enrolled'; readonly since: number };
  readonly recoveryCodes: RecoveryCodeSummary;
  /** Names and dates only; never a key or credential id. */
  readonly passkeys: readonly {
    readonly name: string;
    readonly createdAt: number;
    readonly lastUsedAt: number | null;
  }[];
}

type FactorAdminStores = {
  readonly users: Pick<UserStore, 'getByUsername'>;
  readonly factors: FactorStore;
  readonly audit: AuditStore;
};

export async function getUserFactors(stores: FactorAdminStores, username: UserRef): Promise<UserFactors> {
  const user = await requireUser(stores, username);
  const [totp, recoveryCodes, passkeys] = await Promise.all([
    stores.factors.getTotp(user.id),
    stores.factors.recoveryCodes(user.id),
    stores.factors.listPasskeys(user.id),
  ]);
  return {
    username: user.username,
    totp:
      totp === undefined
        ? { state: 'none' }
        : totp.confirmedAt === null
          ? { state: 'pending', startedAt: totp.createdAt }
          : { state: 'enrolled', since: totp.confirmedAt },
    recoveryCodes,
    passkeys: passkeys.map((p) => ({ name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
  };
}

/**
 * Removes every second factor of a user (a lost phone, a lost recovery sheet, their passkeys): the next sign-in asks
 * for the password only, and the user can enrol again. Audited as `admin.user.factors_reset`, which the
 * user's account page shows them. Returns whether there was anything to remove.
 */
export async function resetUserFactors(
  stores: FactorAdminStores,
  username: string,
  options: AdminOptions = {},
): Promise<{ removed: boolean }> {
  const user = await requireUser(stores, username);
  const at = nowOf(options);
  const removed = await stores.factors.deleteAll(user.id);
  await recordAdminEvent(stores, options, {
    type: 'admin.user.factors_reset',
    at,
    userId: user.id,
    details: { removed },
  });
  return { removed };
}
