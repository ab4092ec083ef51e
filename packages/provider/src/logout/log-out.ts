import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ClientRecord, ProviderStores, SessionRecord } from '../store/types.js';
import type { BackChannelLogout, ClientNotification } from './back-channel.js';

export interface LogoutDeps {
  readonly stores: Pick<ProviderStores, 'sessions' | 'grants' | 'audit'> & {
    readonly clients: Pick<ProviderStores['clients'], 'get'>;
  };
  readonly clock: Clock;
  readonly backChannel: BackChannelLogout;
  readonly logger: Logger;
}

export interface EndedSession {
  readonly session: SessionRecord;
  /** How many live grants of the session were revoked (their refresh tokens and UserInfo now fail, R3). */
  readonly grantsRevoked: number;
  /** The back-channel deliveries, running on after the caller answers; never rejects. */
  readonly notified: Promise<ClientNotification[]>;
}

export interface LogoutRequestFacts {
  /** The client that asked (RP-Initiated Logout), for the audit log. */
  readonly clientId?: string | undefined;
  readonly ip?: string | undefined;
}

export interface Logout {
  /**
   * Ends the session whose cookie id hashes to `idHash`, revokes every grant made in it, and tells each
   * client that got tokens in it through the back channel. Undefined when the session was not live
   * (already ended — by a concurrent logout too: only one caller wins SessionStore.end).
   */
  endSession(idHash: string, facts?: LogoutRequestFacts): Promise<EndedSession | undefined>;
}

export function createLogout(deps: LogoutDeps): Logout {
  const { stores } = deps;
  return {
    async endSession(idHash, facts = {}) {
      const now = deps.clock();
      const session = await stores.sessions.end(idHash, now);
      if (session === undefined) return undefined;
      // Listed before revoking, so clients whose grant was already revoked are told as well: the
      // RP's own session from that sign-in may still be open.
      const grants = await stores.grants.listBySid(session.sid);
      const grantsRevoked = await stores.grants.revokeBySid(session.sid, now);
      const clientIds = [...new Set(grants.map((g) => g.clientId))];
      const clients = (await Promise.all(clientIds.map((id) => stores.clients.get(id)))).filter(
        (c): c is ClientRecord => c !== undefined,
      );
      await stores.audit.append({
        type: 'session.logout',
        at: now,
        userId: session.userId,
        clientId: facts.clientId ?? null,
        ip: facts.ip ?? null,
        details: { grantsRevoked, clients: clientIds },
      });
      // Back-Channel Logout §2.5: sent from the server, not through the browser, and not awaited here
      // so a slow RP never holds up the person's logout page.
      const notified = deps.backChannel
        .notify({ sid: session.sid, userId: session.userId }, clients)
        .catch((error: unknown) => {
          deps.logger.error({ err: error }, 'back-channel logout failed');
          return [];
        });
      return { session, grantsRevoked, notified };
    },
  };
}
