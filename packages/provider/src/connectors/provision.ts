import type { AdminActor } from '../admin/actor.js';
import { AdminError } from '../admin/errors.js';
import { addGroupMember, ensureGroup } from '../admin/groups/groups.js';
import { createUser } from '../admin/users/create.js';
import type {
  AuditStore,
  ClientStore,
  GroupStore,
  IdentityStore,
  UserRecord,
  UserStore,
} from '../store/types.js';
import { StoreConflictError } from '../store/types.js';
import { mapGroups, mapProfile } from './claims.js';
import type { ConnectorSettings, UpstreamProfile } from './connector.js';

export interface ProvisionDeps {
  readonly stores: {
    readonly users: UserStore;
    readonly clients: ClientStore;
    readonly identities: IdentityStore;
    readonly groups: GroupStore;
    readonly audit: AuditStore;
  };
  readonly clock: () => number;
  readonly random: (n: number) => Buffer;
}

/** Characters a username may have (users/service.ts); anything else in an upstream name becomes `-`. */
const NOT_IN_USERNAME = /[^\p{L}\p{N}._@+-]+/gu;
const USERNAME_ATTEMPTS = 4;

/**
 * Just-in-time provisioning (connector mode `create`): a NEW user, never an existing one found by
 * email (nOAuth, X2), then the identity linked to it. Its username comes from the upstream's
 * preferred name (or the address's local part), made unique; its profile from the claim mapping; its
 * address only when the upstream verified it. No password: it signs in through the connector.
 */
export async function provisionUser(
  deps: ProvisionDeps,
  settings: ConnectorSettings,
  profile: UpstreamProfile,
): Promise<UserRecord> {
  const mapped = mapProfile(settings, profile);
  const base = usernameBase(settings, profile, mapped.preferred_username);
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '' : `-${deps.random(3).toString('hex')}`;
    const username = base.slice(0, 64 - suffix.length) + suffix;
    try {
      const user = await createUser(
        deps.stores,
        {
          username,
          profile: mapped,
          ...(profile.verifiedEmail === undefined
            ? {}
            : { email: profile.verifiedEmail, emailVerified: true }),
        },
        { now: deps.clock, random: deps.random, actor: connectorActor(settings) },
      );
      const now = deps.clock();
      try {
        await deps.stores.identities.link({
          ...profile.key,
          userId: user.id,
          email: profile.verifiedEmail ?? null,
          createdAt: now,
          lastUsedAt: now,
        });
      } catch (error) {
        // A parallel first sign-in of the same upstream account linked it first: that one won. The
        // user made here can never be signed in to (no password, no identity), and is disabled.
        if (error instanceof StoreConflictError) await deps.stores.users.setDisabled(user.id, true, now);
        throw error;
      }
      return user;
    } catch (error) {
      if (
        error instanceof AdminError &&
        error.code === 'ERR_INVALID_INPUT' &&
        error.message.startsWith('email')
      ) {
        // An address the user service refuses is dropped, not fatal: the person still gets an account.
        return provisionUser(deps, settings, { ...profile, verifiedEmail: undefined });
      }
      if (error instanceof StoreConflictError) throw error;
      // A username taken: try another.
      if (!(error instanceof AdminError && error.code === 'ERR_CONFLICT') || attempt >= USERNAME_ATTEMPTS)
        throw error;
    }
  }
}

function usernameBase(
  settings: ConnectorSettings,
  profile: UpstreamProfile,
  preferred: string | undefined,
): string {
  const email = profile.verifiedEmail;
  const candidates = [preferred, email?.slice(0, email.indexOf('@'))];
  for (const candidate of candidates) {
    const cleaned = candidate
      ?.replace(NOT_IN_USERNAME, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56);
    if (cleaned) return cleaned;
  }
  return `${settings.id}-user`;
}

/** Users and memberships a connector makes are recorded as the provider's own acts, naming the connector. */
function connectorActor(settings: ConnectorSettings): AdminActor {
  return { type: 'system', id: `connector:${settings.id}` };
}

/**
 * The Latchkey groups the upstream's groups map to (connector `groups` mapping) are joined at every
 * sign-in, each group made when missing; a group the upstream no longer names is left as it is (an
 * operator may have added the person by hand). Audited by the admin layer only when something changed.
 */
export async function joinMappedGroups(
  deps: ProvisionDeps,
  settings: ConnectorSettings,
  profile: UpstreamProfile,
  user: Pick<UserRecord, 'username'>,
): Promise<void> {
  const options = { now: deps.clock, actor: connectorActor(settings) };
  for (const group of mapGroups(settings, profile)) {
    await ensureGroup(deps.stores, group, options);
    await addGroupMember(deps.stores, group, user.username, options);
  }
}
