import type { ProviderStores, SessionRecord, UserRecord } from '../store/types.js';
import { type ConnectedApplication, connectedApplications, describeClient } from './applications.js';
import { describeOwnEvent } from './event-words.js';

/** How many of a person's own security events the page shows. */
export const RECENT_EVENTS = 20;
/** Audit rows read to find them: other types (not shown) may sit between them. */
const EVENTS_SCANNED = 100;

export type AccountStores = Pick<
  ProviderStores,
  'users' | 'sessions' | 'consents' | 'grants' | 'clients' | 'clientRegistrations' | 'audit'
>;

export interface AccountView {
  readonly user: UserRecord;
  readonly sessions: readonly {
    readonly sid: string;
    readonly current: boolean;
    readonly signedInAt: number;
    readonly lastSeenAt: number;
    readonly methods: readonly string[];
  }[];
  readonly applications: readonly ConnectedApplication[];
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
  const [sessions, consents, grants, events] = await Promise.all([
    stores.sessions.listLiveByUser(user.id, now),
    stores.consents.listByUser(user.id),
    stores.grants.listLiveByUser(user.id),
    stores.audit.list({ limit: EVENTS_SCANNED, userId: user.id }),
  ]);
  const applications = await connectedApplications(stores, consents, grants);
  const names = new Map(applications.map((a) => [a.clientId, a.name]));
  await Promise.all(
    [...new Set(events.flatMap((e) => (e.clientId ? [e.clientId] : [])))]
      .filter((id) => !names.has(id))
      .map(async (id) => names.set(id, (await describeClient(stores, id)).name)),
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
    applications,
    events: events
      .flatMap((e) => {
        const text = describeOwnEvent(e, e.clientId ? (names.get(e.clientId) ?? e.clientId) : '');
        return text === undefined ? [] : [{ at: e.at, text, ip: e.ip ?? null }];
      })
      .slice(0, RECENT_EVENTS),
  };
}
