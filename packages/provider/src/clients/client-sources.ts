import type { ClientRecord, ClientStore } from '../store/types.js';

/** Somewhere clients come from besides the operator's registrations (CIMD, …). */
export interface ClientSource {
  /** The client, undefined when this source does not know the id; throws InvalidClient when it is bad. */
  get(clientId: string): Promise<ClientRecord | undefined>;
}

/**
 * The one ClientStore lookup every endpoint uses (DESIGN Round 2, "client sources"): registered and
 * dynamically registered clients (the database) first, then each other source in order. Endpoints do
 * not know where a client came from; writes go to the database.
 */
export function withClientSources<S extends ClientStore>(store: S, sources: readonly ClientSource[]): S {
  if (sources.length === 0) return store;
  const get = async (clientId: string): Promise<ClientRecord | undefined> => {
    const registered = await store.get(clientId);
    if (registered !== undefined) return registered;
    for (const source of sources) {
      const client = await source.get(clientId);
      if (client !== undefined) return client;
    }
    return undefined;
  };
  // Everything but `get` is the store's own (inherited, so `this` inside its methods still works).
  return Object.assign(Object.create(store) as S, { get });
}
