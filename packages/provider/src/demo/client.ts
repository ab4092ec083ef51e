import { isDevelopmentIssuer } from '../config/development-issuer.js';
import type { Logger } from '../lib/logger.js';
import {
  type BuiltInClientChange,
  type BuiltInClientStores,
  syncBuiltInClient,
} from '../relying-party/built-in-client.js';

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

export type DemoClientChange = BuiltInClientChange | 'removed' | 'absent';

/**
 * Run at every start. On a development issuer the demo's public client exists with the redirect URI of
 * the current issuer (relying-party/built-in-client.ts). On any other issuer it must not exist: one left
 * by an earlier development run on the same database is deleted, so a deployment never carries a client
 * whose redirect points at localhost. A client that merely has the same id but another name is the
 * operator's own and is left alone.
 */
export async function syncDemoClient(
  stores: BuiltInClientStores,
  issuer: string,
  logger?: Logger,
): Promise<DemoClientChange> {
  if (isDevelopmentIssuer(issuer)) {
    return syncBuiltInClient(stores, {
      clientId: DEMO_CLIENT_ID,
      name: DEMO_CLIENT_NAME,
      redirectUri: demoRedirectUri(issuer),
      scopes: DEMO_SCOPES,
    });
  }
  const existing = await stores.clients.get(DEMO_CLIENT_ID);
  if (existing === undefined) return 'absent';
  if (existing.name !== DEMO_CLIENT_NAME) return 'foreign';
  await stores.clients.delete(DEMO_CLIENT_ID);
  logger?.warn(
    { clientId: DEMO_CLIENT_ID },
    'removed the demo client: this issuer is not a development issuer',
  );
  return 'removed';
}
