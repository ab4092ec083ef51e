import type { Clock } from '../lib/clock.js';
import type { ClientStore } from '../store/types.js';

/**
 * The client store as endpoints see it, so no endpoint needs to know about the admin states:
 * - a disabled client is not found: every endpoint answers it as an unknown client (invalid_client
 *   at the token, introspection, revocation and device endpoints; the unknown-client page at
 *   /authorize). The admin layer reads the store underneath, where it can be enabled again;
 * - a previous secret whose overlap has ended (`client secret rotate --keep-old-for`) is dropped, so
 *   client authentication only ever compares secrets that are still valid.
 */
export function endpointClients<S extends Pick<ClientStore, 'get'>>(store: S, now: Clock): S {
  return {
    ...store,
    async get(clientId: string) {
      const client = await store.get(clientId);
      if (client === undefined || client.disabled) return undefined;
      if (client.previousSecret !== null && client.previousSecret.expiresAt <= now()) {
        return { ...client, previousSecret: null };
      }
      return client;
    },
  };
}
