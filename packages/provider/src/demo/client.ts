import { createClient } from '../admin/clients/create.js';
import { AdminError } from '../admin/errors.js';
import { isDevelopmentIssuer } from '../config/development-issuer.js';
import type { Logger } from '../lib/logger.js';
import type { AuditStore, ClientStore, UserStore } from '../store/types.js';

/** The demo relying party's fixed, readable client id (it shows in URLs, consent and audit events). */
export const DEMO_CLIENT_ID = 'latchkey-demo';
export const DEMO_CLIENT_NAME = 'Latchkey demo';
/** What the demo asks for: enough to show an ID token with a profile and an access token for UserInfo. */
export const DEMO_SCOPES = ['openid', 'profile', 'email'] as const;
/** Relative to the issuer. */
export const DEMO_PATHS = { start: '/demo/start', callback: '/demo/callback' } as const;

export function demoRedirectUri(issuer: string): string {
  return issuer + DEMO_PATHS.callback;
}

export type DemoClientChange = 'created' | 'updated' | 'kept' | 'removed' | 'absent' | 'foreign';

/**
 * Run at every start. On a development issuer the demo's public client exists with the redirect URI of
 * the current issuer (the development issuer follows the port, so a restart on another port moves it).
 * On any other issuer it must not exist: one left by an earlier development run on the same database
 * is deleted, so a deployment never carries a client whose redirect points at localhost. A client
 * that merely has the same id but another name is the operator's own and is left alone.
 */
export async function syncDemoClient(
  stores: { readonly clients: ClientStore; readonly users: UserStore; readonly audit: AuditStore },
  issuer: string,
  logger?: Logger,
): Promise<DemoClientChange> {
  const existing = await stores.clients.get(DEMO_CLIENT_ID);
  if (existing !== undefined && existing.name !== DEMO_CLIENT_NAME) return 'foreign';
  if (!isDevelopmentIssuer(issuer)) {
    if (existing === undefined) return 'absent';
    await stores.clients.delete(DEMO_CLIENT_ID);
    logger?.warn(
      { clientId: DEMO_CLIENT_ID },
      'removed the demo client: this issuer is not a development issuer',
    );
    return 'removed';
  }
  const redirectUri = demoRedirectUri(issuer);
  if (existing?.redirectUris.length === 1 && existing.redirectUris[0] === redirectUri) return 'kept';
  // The store has no update: the id is fixed, so deleting and creating again changes nothing visible.
  if (existing !== undefined) await stores.clients.delete(DEMO_CLIENT_ID);
  try {
    await createClient(stores, {
      name: DEMO_CLIENT_NAME,
      clientId: DEMO_CLIENT_ID,
      public: true,
      redirectUris: [redirectUri],
      grantTypes: ['authorization_code'],
      scopes: [...DEMO_SCOPES],
    });
  } catch (error) {
    // Instances starting together on one database: another one made it a moment ago.
    if (error instanceof AdminError && error.code === 'ERR_CONFLICT') return 'kept';
    throw error;
  }
  return existing === undefined ? 'created' : 'updated';
}
