import { randomBytes } from 'node:crypto';
import type { JoseKey, JwsAlgorithm } from '@latchkey/oidc';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { ClientRecord } from '../store/types.js';
import { logoutTokenClaims, signLogoutToken } from '../tokens/logout-token.js';
import {
  DEFAULT_DELIVERY_SETTINGS,
  type DeliveryIo,
  type DeliverySettings,
  defaultDeliveryIo,
  deliverLogoutToken,
} from './deliver.js';

/** 128 bits: `jti` only needs to be unique (RFC 7519 §4.1.7). */
const JTI_BYTES = 16;

export interface BackChannelDeps {
  readonly issuer: string;
  /** The current signing key per algorithm, from memory (KeyManager.signingKey). */
  readonly signingKey: (alg: JwsAlgorithm) => JoseKey;
  readonly now: Clock;
  readonly random?: (n: number) => Buffer;
  readonly logger: Logger;
  /** Default: DEFAULT_DELIVERY_SETTINGS. */
  readonly settings?: DeliverySettings;
  /** Default: global fetch, real timers. */
  readonly io?: DeliveryIo;
}

/** The session that ended, as the logout token names it. */
export interface EndedSessionFacts {
  readonly sid: string;
  readonly userId: string;
}

export interface ClientNotification {
  readonly clientId: string;
  readonly delivered: boolean;
  readonly attempts: number;
  readonly reason?: string;
}

export interface BackChannelLogout {
  /**
   * Tells every client with a registered back-channel logout URI that the session ended: one logout
   * token each, all sent at once. Never rejects; failures are logged and reported.
   */
  notify(session: EndedSessionFacts, clients: readonly ClientRecord[]): Promise<ClientNotification[]>;
}

/** OIDC Back-Channel Logout 1.0 §2.4–2.5, from the provider's side. */
export function createBackChannelLogout(deps: BackChannelDeps): BackChannelLogout {
  const settings = deps.settings ?? DEFAULT_DELIVERY_SETTINGS;
  const io = deps.io ?? defaultDeliveryIo();
  const random = deps.random ?? randomBytes;

  const notifyOne = async (session: EndedSessionFacts, client: ClientRecord, uri: string) => {
    let token: string;
    try {
      token = signLogoutToken(
        logoutTokenClaims({
          issuer: deps.issuer,
          clientId: client.clientId,
          subject: session.userId,
          sid: session.sid,
          jti: random(JTI_BYTES).toString('base64url'),
          issuedAt: deps.now(),
        }),
        // §2.4: the keys and algorithm of the client's ID tokens, which it already verifies.
        deps.signingKey(client.idTokenSignedResponseAlg),
      );
    } catch (error) {
      deps.logger.error({ clientId: client.clientId, err: error }, 'back-channel logout token not signed');
      return { clientId: client.clientId, delivered: false, attempts: 0, reason: 'signing' };
    }
    const outcome = await deliverLogoutToken(uri, token, settings, io).catch(() => ({
      delivered: false,
      attempts: 0,
      reason: 'internal',
    }));
    const report = { clientId: client.clientId, ...outcome };
    if (outcome.delivered) deps.logger.info(report, 'back-channel logout delivered');
    else deps.logger.warn(report, 'back-channel logout not delivered');
    return report;
  };

  return {
    async notify(session, clients) {
      const targets = clients.flatMap((client) =>
        client.backchannelLogoutUri === null ? [] : [{ client, uri: client.backchannelLogoutUri }],
      );
      return Promise.all(targets.map(({ client, uri }) => notifyOne(session, client, uri)));
    },
  };
}
