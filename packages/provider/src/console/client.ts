import {
  type BuiltInClientChange,
  type BuiltInClientStores,
  syncBuiltInClient,
} from '../relying-party/built-in-client.js';
import { CONSOLE_PATHS } from './paths.js';

/** The console's own client: a relying party of its own provider (issue 15), public, code + PKCE. */
export const CONSOLE_CLIENT_ID = 'latchkey-console';
export const CONSOLE_CLIENT_NAME = 'Latchkey console';
/** Only who signed in: admin rights are read from the group on every request, not from a token. */
export const CONSOLE_SCOPES = ['openid'] as const;

export function consoleRedirectUri(issuer: string): string {
  return issuer + CONSOLE_PATHS.callback;
}

/**
 * Run at every start, on every issuer (the console is not a development feature): the console's client
 * exists with this issuer's redirect URI. An operator's own client that uses the id is left alone
 * ('foreign'), and the console then cannot sign anyone in; start.ts says so in the log.
 */
export function syncConsoleClient(stores: BuiltInClientStores, issuer: string): Promise<BuiltInClientChange> {
  return syncBuiltInClient(stores, {
    clientId: CONSOLE_CLIENT_ID,
    name: CONSOLE_CLIENT_NAME,
    redirectUri: consoleRedirectUri(issuer),
    scopes: CONSOLE_SCOPES,
  });
}
