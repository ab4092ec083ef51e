import { type JwsAlgorithm, type KeySet, LocalKeySet, RemoteKeySet } from '@latchkey/oidc';
import type { ClientRecord } from '../store/types.js';

/** Where a client's assertion keys come from: only what it registered (checklist C5). */
export interface ClientKeySets {
  /** The client's key set, or undefined when it registered neither `jwks` nor `jwks_uri`. */
  forClient(client: Pick<ClientRecord, 'clientId' | 'jwks' | 'jwksUri' | 'origin'>): KeySet | undefined;
}

export interface ClientKeySetsDeps {
  /** Asymmetric only: a registered JWKS never holds secrets, so HS* can never be keyed by it (J2). */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Epoch milliseconds, like Date.now (the unit @latchkey/oidc's RemoteKeySet uses). */
  readonly nowMs: () => number;
  readonly fetch?: typeof fetch;
  /**
   * Reads the `jwks_uri` of clients nobody registered by hand (`origin` set: a metadata document):
   * the guarded fetcher (checklist M1), since that URL is the client's choice, not the operator's.
   */
  readonly guardedFetch?: typeof fetch;
  /** Remote key sets kept at once (rule 9); the least recently used goes first. Default 1000. */
  readonly maxEntries?: number;
}

interface Entry {
  /** What the key set was built from; a re-registered client gets a new one. */
  readonly source: string;
  readonly keySet: KeySet;
}

const DEFAULT_MAX_ENTRIES = 1000;

/**
 * One key set per client, built from its registration and reused across requests: an inline `jwks`
 * becomes a LocalKeySet (an unknown kid fails at once); a `jwks_uri` becomes a RemoteKeySet, which
 * caches, refetches once per cooldown for an unknown kid and then fails closed (K1), never follows a
 * redirect and bounds the fetch (K3). Keys in the assertion header (`jwk`, `jku`, `x5u`) are never
 * read (RFC 8725 §3.10).
 */
export function createClientKeySets(deps: ClientKeySetsDeps): ClientKeySets {
  const maxEntries = deps.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = new Map<string, Entry>();
  const build = (client: Pick<ClientRecord, 'jwks' | 'jwksUri' | 'origin'>): KeySet | undefined => {
    if (client.jwks !== null) return LocalKeySet.fromJwks(client.jwks, { algorithms: deps.algorithms });
    if (client.jwksUri !== null) {
      const fetchFn = client.origin !== undefined && deps.guardedFetch ? deps.guardedFetch : deps.fetch;
      return new RemoteKeySet(client.jwksUri, {
        algorithms: deps.algorithms,
        now: deps.nowMs,
        ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
      });
    }
    return undefined;
  };
  return {
    forClient(client) {
      const source = client.jwks !== null ? JSON.stringify(client.jwks) : (client.jwksUri ?? '');
      if (source === '') return undefined;
      const cached = entries.get(client.clientId);
      entries.delete(client.clientId);
      if (cached !== undefined && cached.source === source) {
        entries.set(client.clientId, cached);
        return cached.keySet;
      }
      const keySet = build(client);
      if (keySet === undefined) return undefined;
      entries.set(client.clientId, { source, keySet });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      return keySet;
    },
  };
}
