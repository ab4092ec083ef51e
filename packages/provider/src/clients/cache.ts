import type { Clock } from '../lib/clock.js';
import type { ClientRecord, ClientStore } from '../store/types.js';

export interface ClientCacheOptions {
  /** Seconds a registration is served from memory (config `clients.cacheTtl`). */
  readonly ttl: number;
  readonly now: Clock;
  /** Bound on the entries kept (DESIGN rule 9); the oldest entry goes first. Default 10 000. */
  readonly maxEntries?: number;
}

/**
 * A ClientStore whose reads come from memory. Writes go to the store and drop the cached entry, so a
 * client created, changed or deleted through this object is seen at once; a change made elsewhere
 * (the CLI, another instance) is seen within `ttl`.
 */
export interface CachedClientStore extends ClientStore {
  /** Forgets one client (after a change made outside this object). */
  invalidate(clientId: string): void;
  /** Forgets every client. */
  clear(): void;
}

interface Entry {
  readonly client: ClientRecord;
  readonly expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The token path reads a client on every request, and `client_credentials` touches nothing else in
 * the database: caching the registration makes that grant free of database I/O (issue 5). Unknown ids
 * are not cached, so a newly created client works at once and random ids cannot fill the cache; the
 * concurrent reads of one client share one database query.
 */
export function createCachedClientStore(store: ClientStore, options: ClientCacheOptions): CachedClientStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<ClientRecord | undefined>>();
  // Bumped by every invalidation, so a read that started before a write cannot put the old record back.
  let generation = 0;

  const remember = (client: ClientRecord) => {
    if (entries.size >= maxEntries && !entries.has(client.clientId)) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.delete(client.clientId);
    entries.set(client.clientId, { client, expiresAt: options.now() + options.ttl });
  };
  const invalidate = (clientId: string) => {
    generation++;
    entries.delete(clientId);
    loading.delete(clientId);
  };

  return {
    get(clientId) {
      const entry = entries.get(clientId);
      if (entry !== undefined && options.now() < entry.expiresAt) return Promise.resolve(entry.client);
      const pending = loading.get(clientId);
      if (pending !== undefined) return pending;
      const started = generation;
      const load = store.get(clientId).then(
        (client) => {
          if (loading.get(clientId) === load) loading.delete(clientId);
          if (client === undefined) entries.delete(clientId);
          else if (generation === started) remember(client);
          return client;
        },
        (error: unknown) => {
          if (loading.get(clientId) === load) loading.delete(clientId);
          throw error;
        },
      );
      loading.set(clientId, load);
      return load;
    },
    async create(client) {
      invalidate(client.clientId);
      await store.create(client);
    },
    list: () => store.list(),
    page: (query) => store.page(query),
    count: () => store.count(),
    async update(client) {
      // Before and after: a read that starts while the write is in flight must not keep the old record.
      invalidate(client.clientId);
      try {
        return await store.update(client);
      } finally {
        invalidate(client.clientId);
      }
    },
    async delete(clientId) {
      invalidate(clientId);
      return store.delete(clientId);
    },
    invalidate,
    clear() {
      generation++;
      entries.clear();
      loading.clear();
    },
  };
}
