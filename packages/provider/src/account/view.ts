import { findScope } from '../scopes/index.js';
import type { ProviderStores, SessionRecord, UserRecord } from '../store/types.js';
import { describeOwnEvent } from './event-words.js';

/** How many of a person's own security events the page shows. */
export const RECENT_EVENTS = 20;
/** Audit rows read to find them: other types (not shown) may sit between them. */
const EVENTS_SCANNED = 100;

export type AccountStores = Pick<ProviderStores, 'users' | 'sessions' | 'consents' | 'clients' | 'audit'>;

export interface AccountView {
  readonly user: UserRecord;
  readonly sessions: readonly {
    readonly sid: string;
    readonly current: boolean;
    readonly signedInAt: number;
    readonly lastSeenAt: number;
    readonly methods: readonly string[];
  }[];
  readonly applications: readonly {
    readonly clientId: string;
    readonly name: string;
    readonly permissions: readonly string[];
    readonly grantedAt: number;
  }[];
  readonly events: readonly { readonly at: number; readonly text: string; readonly ip: string | null }[];
}

/**
 * Everything the account page shows, read for the signed-in person only: their profile, their live
 * sessions, the applications they allowed, and their own recent security events.
 */
export async function loadAccountView(
  stores: AccountStores,
  session: SessionRecord,
  user: UserRecord,
  now: number,
): Promise<AccountView> {
  const [sessions, consents, events] = await Promise.all([
    stores.sessions.listLiveByUser(user.id, now),
    stores.consents.listByUser(user.id),
    stores.audit.list({ limit: EVENTS_SCANNED, userId: user.id }),
  ]);
  const clientIds = new Set([
    ...consents.map((c) => c.clientId),
    ...events.flatMap((e) => (e.clientId ? [e.clientId] : [])),
  ]);
  const names = new Map<string, string>();
  await Promise.all(
    [...clientIds].map(async (id) => {
      const client = await stores.clients.get(id);
      if (client !== undefined) names.set(id, client.name);
    }),
  );
  return {
    user,
    sessions: sessions.map((s) => ({
      sid: s.sid,
      current: s.sid === session.sid,
      signedInAt: s.authTime,
      lastSeenAt: s.lastSeenAt,
      methods: s.amr,
    })),
    applications: consents.map((c) => ({
      clientId: c.clientId,
      name: names.get(c.clientId) ?? c.clientId,
      permissions: c.scopes.map((scope) => findScope(scope)?.description ?? `Use the “${scope}” permission`),
      grantedAt: c.grantedAt,
    })),
    events: events
      .flatMap((e) => {
        const text = describeOwnEvent(e, e.clientId ? (names.get(e.clientId) ?? e.clientId) : '');
        return text === undefined ? [] : [{ at: e.at, text, ip: e.ip ?? null }];
      })
      .slice(0, RECENT_EVENTS),
  };
}
