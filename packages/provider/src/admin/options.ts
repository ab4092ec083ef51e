import type { ClientAuthMethod } from '../client-auth/index.js';
import type { GrantDefinition } from '../grants/index.js';
import { type Clock, systemClock } from '../lib/clock.js';
import type { AuditStore } from '../store/types.js';
import type { PasswordPolicy } from '../users/password-policy.js';
import { type AdminActor, SYSTEM_ACTOR } from './actor.js';

/** What every admin operation may be given; each has a default, so a fixture can pass nothing. */
export interface AdminOptions {
  /** Recorded with the audit event of every change. Default: the system actor. */
  readonly actor?: AdminActor;
  readonly now?: Clock;
  readonly random?: (n: number) => Buffer;
  readonly grants?: readonly GrantDefinition[];
  readonly authMethods?: readonly ClientAuthMethod[];
  /** The new-password rules (config `passwords.*`). Default: DEFAULT_PASSWORD_POLICY. */
  readonly passwordPolicy?: PasswordPolicy;
}

export const nowOf = (options: AdminOptions): number => (options.now ?? systemClock)();

/**
 * Appends the audit event of one admin change: what (type), on whom (user or client), by whom (actor),
 * and which fields changed. Never a secret, password or hash: callers pass names, not values.
 */
export function recordAdminEvent(
  stores: { readonly audit: AuditStore },
  options: AdminOptions,
  event: {
    readonly type: `admin.${string}`;
    readonly at: number;
    readonly userId?: string | null;
    readonly clientId?: string | null;
    readonly details?: Readonly<Record<string, unknown>>;
  },
): Promise<void> {
  const actor = options.actor ?? SYSTEM_ACTOR;
  return stores.audit.append({
    type: event.type,
    at: event.at,
    userId: event.userId ?? null,
    clientId: event.clientId ?? null,
    details: { actor: { type: actor.type, id: actor.id }, ...event.details },
  });
}
